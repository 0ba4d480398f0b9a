using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

/// <summary>
/// Large trees in a remote store (a store that is not a local folder, here a counting wrapper around one): what a save
/// asks of the store, counted.
/// </summary>
public sealed class SnapshotStoreListedTests : IDisposable
{
    private const int Files = 300;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-listed-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _local;
    private readonly CountingStorage _store;
    private readonly string _tree;
    private readonly List<string> _paths = [];

    public SnapshotStoreListedTests()
    {
        _local = new LocalStorage(Path.Combine(_root, "store"));
        _store = new CountingStorage(_local);
        _tree = Directory.CreateDirectory(Path.Combine(_root, "tree")).FullName;
        for (var i = 0; i < Files; i++)
        {
            var rel = $"d{i % 7}/f{i}.txt";
            Directory.CreateDirectory(Path.Combine(_tree, $"d{i % 7}"));
            File.WriteAllText(Path.Combine(_tree, rel), $"content {i}\n");
            _paths.Add(rel);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private async Task<string> SaveAsync()
    {
        await using var lease = await SaveLease.TakeAsync(_store, default);
        return (await new SnapshotStore(_store).SaveTreeAsync(_tree, _paths, default, lease: lease)).Id;
    }

    private IEnumerable<string> BlobKeys(IEnumerable<string> keys) => keys.Where(k => k.StartsWith(StoreKeys.BlobsPrefix, StringComparison.Ordinal));

    [Fact]
    public async Task Save_UnchangedTreeAgain_WritesNoBlobAndAsksNothingPerFile()
    {
        var first = await SaveAsync();
        _store.Reset();

        var second = await SaveAsync();

        second.ShouldBe(first);
        BlobKeys(_store.Writes).ShouldBeEmpty();
        BlobKeys(_store.Reads).ShouldBeEmpty();
        // One listing per blob folder the hashes fall in (at most 256, whatever the number of files), and one of collections.
        _store.Listings.Count(l => l.StartsWith(StoreKeys.BlobsPrefix, StringComparison.Ordinal)).ShouldBeLessThanOrEqualTo(256);
        _store.Listings.Count.ShouldBeLessThan(Files);
        _store.Writes.Count.ShouldBeLessThanOrEqualTo(4); // the lease, its reuse list, the manifest (or its touch)
    }

    [Fact]
    public async Task Save_OneFileChanged_UploadsThatFileAlone()
    {
        await SaveAsync();
        await File.WriteAllTextAsync(Path.Combine(_tree, _paths[5]), "changed\n");
        _store.Reset();

        var id = await SaveAsync();

        BlobKeys(_store.Writes).ShouldBe([StoreKeys.Blob(ContentHash.Of("changed\n"u8))]);
        var dest = Path.Combine(_root, "dest");
        await new SnapshotStore(_local).MaterializeAsync(id, dest, "run test-1", default);
        (await File.ReadAllTextAsync(Path.Combine(dest, _paths[5]))).ShouldBe("changed\n");
        (await File.ReadAllTextAsync(Path.Combine(dest, _paths[6]))).ShouldBe("content 6\n");
    }

    [Fact]
    public async Task Save_WhileACollectionRuns_TouchesWhatItReuses_InsteadOfTrustingTheListing()
    {
        await SaveAsync();
        await using var collection = await CollectionMarker.BeginAsync(_local, TimeProvider.System, default);
        _store.Reset();

        await SaveAsync();

        BlobKeys(_store.Writes).Count().ShouldBeGreaterThanOrEqualTo(Files);
    }

    [Fact]
    public async Task Save_ReusedContent_IsNamedInTheLease_UntilTheLeaseIsReleased()
    {
        await SaveAsync();
        await using var lease = await SaveLease.TakeAsync(_store, default);
        await new SnapshotStore(_store).SaveTreeAsync(_tree, _paths, default, lease: lease);

        var lists = new List<string>();
        await foreach (var key in _local.ListAsync(StoreKeys.WritersPrefix, default))
            if (key.EndsWith(StoreKeys.ReuseSuffix, StringComparison.Ordinal)) lists.Add(key);
        lists.Count.ShouldBe(1);
        SaveLease.ReadProtected((await _local.GetAsync(lists[0], default))!).Count().ShouldBe(Files);
        await lease.DisposeAsync();
        (await _local.ExistsAsync(lists[0], default)).ShouldBeFalse();
    }

    [Fact]
    public async Task Materialize_SmallFiles_ComeInOneWholeReadEach_LargeOnesStream()
    {
        await File.WriteAllBytesAsync(Path.Combine(_tree, "big.bin"), new byte[2 << 20]);
        _paths.Add("big.bin");
        var id = await SaveAsync();
        _store.Reset();

        await new SnapshotStore(_store).MaterializeAsync(id, Path.Combine(_root, "dest"), "run test-1", default);

        BlobKeys(_store.Reads).Count().ShouldBe(Files + 1);
        _store.Opens.ShouldBe([StoreKeys.Blob(ContentHash.Of(new byte[2 << 20]))]);
    }
}
