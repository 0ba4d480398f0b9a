using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

/// <summary>A store on a full disk: every write fails as a user error naming the full filesystem, and leaves no temp file.</summary>
public sealed class LocalStorageDiskFullTests : IDisposable
{
    private readonly Tmpfs _disk = new("1m");
    private readonly byte[] _tooBig = new byte[2 << 20];

    [Fact]
    public async Task Writes_OnAFullDisk_ThrowDiskFull_NamingTheMount_AndLeaveNoTempFiles()
    {
        var store = new LocalStorage(_disk.Path);
        var source = Path.Combine(Path.GetTempPath(), "dstack-big-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(source, _tooBig);
        try
        {
            var writes = new Func<Task>[]
            {
                () => store.PutAsync("repos/a/b/runs/r/run.json", _tooBig, default),
                () => store.PutIfAbsentAsync("blobs/ab/abcd", _tooBig, default),
                () => store.PutFileAsync("blobs/cd/cdef", source, default),
            };
            foreach (var write in writes)
            {
                var error = await Should.ThrowAsync<DiskFullException>(write);
                error.Filesystem.ShouldBe(_disk.Path);
                error.Message.ShouldBe($"Disk full ({_disk.Path}): free some space there and try again.");
            }
            Directory.EnumerateFiles(_disk.Path, "*", SearchOption.AllDirectories).ShouldBeEmpty("no temp file stays behind");
        }
        finally { File.Delete(source); }
    }

    [Fact]
    public void TakingAFileFromAnotherDisk_OntoAFullOne_ThrowsDiskFull_AndKeepsTheFile()
    {
        var store = new LocalStorage(_disk.Path);
        var source = Path.Combine(Path.GetTempPath(), "dstack-big-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(source, _tooBig);
        try
        {
            Should.Throw<DiskFullException>(() => store.TryTake(source)).Filesystem.ShouldBe(_disk.Path);
            File.Exists(source).ShouldBeTrue("a failed move leaves the file where it was");
            Directory.EnumerateFiles(_disk.Path, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        }
        finally { File.Delete(source); }
    }

    public void Dispose() => _disk.Dispose();
}
