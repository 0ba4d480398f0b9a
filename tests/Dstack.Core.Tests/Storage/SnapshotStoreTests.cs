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
        await store.MaterializeAsync(id, dest, "run test-run-1", default);

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

    [Fact]
    public async Task Materialize_AManifestChangedInTheStore_IsRefusedBeforeAnythingIsWritten()
    {
        var src = Dir("changed");
        await File.WriteAllTextAsync(Path.Combine(src, "a.txt"), "a");
        var storage = new LocalStorage(Dir("store3"));
        var store = new SnapshotStore(storage);
        var id = await store.SaveAsync(src, ["a.txt"], default);
        var data = (await storage.GetAsync(StoreKeys.Snapshot(id), default))!;
        await storage.PutAsync(StoreKeys.Snapshot(id), System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(data).Replace("a.txt", "b.txt")), default);
        var dest = Path.Combine(_root, "dest3");

        var error = await Should.ThrowAsync<StoreContentException>(() => store.MaterializeAsync(id, dest, "run wet-fox-1", default));

        error.Message.ShouldStartWith($"Snapshot {id[..12]} of run wet-fox-1 does not match its SHA-256");
        Directory.Exists(dest).ShouldBeFalse();
    }

    [Fact]
    public async Task Materialize_AManifestWithAPathOutOfTheFolder_WritesNothing()
    {
        var storage = new LocalStorage(Dir("store4"));
        var store = new SnapshotStore(storage);
        var blob = await store.Blobs.PutAsync("pwned"u8.ToArray(), default);
        var id = await store.PutManifestAsync(new Dstack.Core.Models.SnapshotManifest(
            [new("ok.txt", 0x1a4, 5, blob), new("../escaped.txt", 0x1a4, 5, blob)]), default);
        var dest = Path.Combine(_root, "dest4", "copy");

        await Should.ThrowAsync<StoreContentException>(() => store.MaterializeAsync(id, dest, "run wet-fox-1", default));

        File.Exists(Path.Combine(_root, "dest4", "escaped.txt")).ShouldBeFalse();
        Directory.Exists(dest).ShouldBeFalse("the manifest is checked before anything is written");
    }

    [Fact]
    public async Task Materialize_StoredModes_KeepOnlyPermissionBits()
    {
        var storage = new LocalStorage(Dir("store5"));
        var store = new SnapshotStore(storage);
        var blob = await store.Blobs.PutAsync("#!/bin/sh\n"u8.ToArray(), default);
        var id = await store.PutManifestAsync(new Dstack.Core.Models.SnapshotManifest([new("tool", 0x9ed, 10, blob)]), default); // 04755
        var dest = Path.Combine(_root, "dest5");

        await store.MaterializeAsync(id, dest, "run wet-fox-1", default);

        ((int)File.GetUnixFileMode(Path.Combine(dest, "tool"))).ShouldBe(0x1ed);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
