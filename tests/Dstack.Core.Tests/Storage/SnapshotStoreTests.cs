using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-snap-" + Guid.NewGuid().ToString("N"));

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Fact]
    public async Task SaveThenMaterialize_ReproducesFilesModesAndLinks()
    {
        var src = Dir("src");
        await File.WriteAllTextAsync(Path.Combine(src, "run.sh"), "echo hi");
        File.SetUnixFileMode(Path.Combine(src, "run.sh"), (UnixFileMode)0x1ed); // 0755
        Directory.CreateDirectory(Path.Combine(src, "nested"));
        await File.WriteAllTextAsync(Path.Combine(src, "nested", "empty.txt"), "");
        File.CreateSymbolicLink(Path.Combine(src, "link"), "run.sh");
        var store = new SnapshotStore(new LocalStorage(Dir("store")));

        var id = await store.SaveAsync(src, ["run.sh", "nested/empty.txt", "link"], default);
        var dest = Path.Combine(_root, "dest");
        await store.MaterializeAsync(id, dest, default);

        (await File.ReadAllTextAsync(Path.Combine(dest, "run.sh"))).ShouldBe("echo hi");
        ((int)File.GetUnixFileMode(Path.Combine(dest, "run.sh"))).ShouldBe(0x1ed);
        new FileInfo(Path.Combine(dest, "nested", "empty.txt")).Length.ShouldBe(0);
        new FileInfo(Path.Combine(dest, "link")).LinkTarget.ShouldBe("run.sh");
    }

    [Fact]
    public async Task Save_SameContentTwice_GivesTheSameIdAndStoresEachBlobOnce()
    {
        var src = Dir("same");
        await File.WriteAllTextAsync(Path.Combine(src, "a.txt"), "same");
        await File.WriteAllTextAsync(Path.Combine(src, "b.txt"), "same");
        var storage = new LocalStorage(Dir("store2"));
        var store = new SnapshotStore(storage);

        var first = await store.SaveAsync(src, ["a.txt", "b.txt"], default);
        var second = await store.SaveAsync(src, ["b.txt", "a.txt"], default);

        second.ShouldBe(first);
        var blobs = new List<string>();
        await foreach (var key in storage.ListAsync("blobs/", default)) blobs.Add(key);
        blobs.Count.ShouldBe(1);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
