using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class LocalStorageConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-store-" + Guid.NewGuid().ToString("N"));

    protected override IStorage Storage => new LocalStorage(_root);

    [Fact]
    public void PathOf_KeyEscapingTheRoot_IsRejected()
    {
        Should.Throw<ArgumentException>(() => new LocalStorage(_root).PathOf("../outside"));
    }

    [Fact]
    public async Task GarbageCollection_RemovesTempFilesACrashedWriterLeft_ButNotFreshOnesNorJobFiles()
    {
        var store = new LocalStorage(_root);
        await store.PutAsync("blobs/ab/abcd", "x"u8.ToArray(), default);
        string Temp(string path)
        {
            var full = Path.Combine(_root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, "partial");
            return full;
        }
        var stale = Temp("blobs/taken.1.tmp~");
        var staleDeep = Temp("repos/acme/widgets/runs/r-1/run.json.2.tmp~");
        var fresh = Temp("blobs/ab/abcd.3.tmp~");
        var jobFile = Temp("tmp/work/acme.widgets.r-1.0/model.tmp~");
        foreach (var old in new[] { stale, staleDeep, jobFile }) File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));

        await new GarbageCollector(store, TimeProvider.System).CollectAsync(TimeSpan.FromMinutes(10), default);

        File.Exists(stale).ShouldBeFalse();
        File.Exists(staleDeep).ShouldBeFalse();
        File.Exists(fresh).ShouldBeTrue("a write may be in flight");
        File.Exists(jobFile).ShouldBeTrue("a job's working copy is not the store's");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
