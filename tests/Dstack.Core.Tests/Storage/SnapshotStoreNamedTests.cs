using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

/// <summary>
/// Small trees in a remote store (a counting wrapper around a local folder) saved under a lease: content there already is
/// named in the lease, not touched, unless a collection runs.
/// </summary>
public sealed class SnapshotStoreNamedTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-named-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _local;
    private readonly CountingStorage _store;
    private readonly string _tree;
    private readonly List<string> _paths = ["a.txt", "d/b.txt", "d/same.txt"];

    public SnapshotStoreNamedTests()
    {
        _local = new LocalStorage(Path.Combine(_root, "store"));
        _store = new CountingStorage(_local);
        _tree = Directory.CreateDirectory(Path.Combine(_root, "tree")).FullName;
        Directory.CreateDirectory(Path.Combine(_tree, "d"));
        File.WriteAllText(Path.Combine(_tree, "a.txt"), "a\n");
        File.WriteAllText(Path.Combine(_tree, "d/b.txt"), "b\n");
        File.WriteAllText(Path.Combine(_tree, "d/same.txt"), "a\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private async Task<(string Id, SaveLease Lease)> SaveKeepingTheLeaseAsync()
    {
        var lease = await SaveLease.TakeAsync(_store, default);
        return ((await new SnapshotStore(_store).SaveTreeAsync(_tree, _paths, default, lease: lease)).Id, lease);
    }

    private async Task<string> SaveAsync()
    {
        var (id, lease) = await SaveKeepingTheLeaseAsync();
        await lease.DisposeAsync();
        return id;
    }

    private async Task<string> ContentAsync(string id, string path)
    {
        var dest = Path.Combine(_root, "dest-" + Guid.NewGuid().ToString("N"));
        await new SnapshotStore(_local).MaterializeAsync(id, dest, "run test-1", default);
        return await File.ReadAllTextAsync(Path.Combine(dest, path));
    }

    [Fact]
    public async Task Save_UnchangedTreeAgain_TouchesNothing_AndNamesEveryBlobAndTheManifestInTheLease()
    {
        var first = await SaveAsync();
        _store.Reset();

        var (second, lease) = await SaveKeepingTheLeaseAsync();

        second.ShouldBe(first);
        _store.Touches.ShouldBeEmpty();
        _store.Writes.ShouldNotContain(StoreKeys.Snapshot(first));
        var lists = await _local.ListAsync(StoreKeys.WritersPrefix, default).Where(k => k.EndsWith(StoreKeys.ReuseSuffix, StringComparison.Ordinal)).ToListAsync();
        SaveLease.ReadProtected((await _local.GetAsync(lists.ShouldHaveSingleItem(), default))!)
            .ShouldBe([ContentHash.Of("a\n"u8), ContentHash.Of("b\n"u8), first], ignoreOrder: true);
        await lease.DisposeAsync();
        (await ContentAsync(second, "d/same.txt")).ShouldBe("a\n");
    }

    [Fact]
    public async Task Save_WhileACollectionRuns_TouchesWhatItReuses()
    {
        var first = await SaveAsync();
        await using var collection = await CollectionMarker.BeginAsync(_local, TimeProvider.System, default);
        _store.Reset();

        await SaveAsync();

        _store.Touches.ShouldBe([StoreKeys.Blob(ContentHash.Of("a\n"u8)), StoreKeys.Blob(ContentHash.Of("b\n"u8)), StoreKeys.Snapshot(first)], ignoreOrder: true);
    }

    [Fact]
    public async Task Save_OneFileChanged_StoresItAndANewManifest()
    {
        await SaveAsync();
        await File.WriteAllTextAsync(Path.Combine(_tree, "d/b.txt"), "changed\n");
        _store.Reset();

        var id = await SaveAsync();

        _store.Writes.ShouldContain(StoreKeys.Blob(ContentHash.Of("changed\n"u8)));
        _store.Writes.ShouldContain(StoreKeys.Snapshot(id));
        (await ContentAsync(id, "d/b.txt")).ShouldBe("changed\n");
    }
}
