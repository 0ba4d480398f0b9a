using System.Text;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

public sealed class BlobCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-blobcache-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new();

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private async Task<string> TreeAsync(int files)
    {
        var src = Dir("src");
        for (var i = 0; i < files; i++)
            await File.WriteAllTextAsync(Path.Combine(src, $"f{i}.txt"), $"content {i}");
        return src;
    }

    [Fact]
    public async Task Materialize_TheSameTreeAgain_ReadsNoBlobFromTheStore()
    {
        var src = await TreeAsync(100);
        var storage = new CountingStorage(new LocalStorage(Dir("store")));
        var cache = new BlobCache(Path.Combine(_root, "cache"), 1 << 20, _clock);
        var id = await new SnapshotStore(storage).SaveAsync(src, SnapshotStore.Scan(src), default);

        storage.Reset();
        await new SnapshotStore(storage, cache).MaterializeAsync(id, Path.Combine(_root, "first"), "run a-1", default);
        storage.Reads.Count(k => k.StartsWith("blobs/", StringComparison.Ordinal)).ShouldBe(100);

        storage.Reset();
        var second = Path.Combine(_root, "second");
        await new SnapshotStore(storage, cache).MaterializeAsync(id, second, "run a-2", default);

        storage.Reads.Count(k => k.StartsWith("blobs/", StringComparison.Ordinal)).ShouldBe(0);
        (await File.ReadAllTextAsync(Path.Combine(second, "f42.txt"))).ShouldBe("content 42");
    }

    [Fact]
    public async Task Add_ContentThatDoesNotMatchItsHash_IsNeverCached()
    {
        var cache = new BlobCache(Dir("cache"), 1 << 20, _clock);
        var hash = ContentHash.Of("expected"u8);

        await Should.ThrowAsync<StoreContentException>(() =>
            cache.AddAsync(hash, new MemoryStream(Encoding.UTF8.GetBytes("tampered")), "run a-1", default));

        cache.TryCopyTo(hash, 8, Path.Combine(_root, "out")).ShouldBeFalse();
        File.Exists(Path.Combine(_root, "out")).ShouldBeFalse();
        Directory.EnumerateFiles(cache.Root, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task TryCopyTo_AnEntryOfTheWrongSize_IsDroppedAndMissed()
    {
        var cache = new BlobCache(Dir("cache"), 1 << 20, _clock);
        var hash = ContentHash.Of("abc"u8);
        await cache.AddAsync(hash, new MemoryStream("abc"u8.ToArray()), "run a-1", default);
        await File.WriteAllTextAsync(cache.PathOf(hash), "ab"); // cut short outside dstack

        cache.TryCopyTo(hash, 3, Path.Combine(_root, "out")).ShouldBeFalse();

        File.Exists(Path.Combine(_root, "out")).ShouldBeFalse();
        File.Exists(cache.PathOf(hash)).ShouldBeFalse();
    }

    [Fact]
    public async Task Trim_OverCapacity_DropsTheLeastRecentlyUsedFirst()
    {
        var cache = new BlobCache(Dir("cache"), capacity: 4000, _clock);
        var hashes = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var data = Encoding.UTF8.GetBytes(new string((char)('a' + i), 1000));
            hashes.Add(ContentHash.Of(data));
            await cache.AddAsync(hashes[i], new MemoryStream(data), "run a-1", default);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        cache.TryCopyTo(hashes[0], 1000, Path.Combine(_root, "used")).ShouldBeTrue(); // the oldest, used again: now the newest
        _clock.Advance(TimeSpan.FromMinutes(1));
        var fifth = Encoding.UTF8.GetBytes(new string('e', 1000));
        await cache.AddAsync(ContentHash.Of(fifth), new MemoryStream(fifth), "run a-1", default);

        cache.Trim(); // 5000 bytes over 4000: down to 3000

        File.Exists(cache.PathOf(hashes[1])).ShouldBeFalse();
        File.Exists(cache.PathOf(hashes[2])).ShouldBeFalse();
        File.Exists(cache.PathOf(hashes[0])).ShouldBeTrue();
        File.Exists(cache.PathOf(hashes[3])).ShouldBeTrue();
        File.Exists(cache.PathOf(ContentHash.Of(fifth))).ShouldBeTrue();
    }

    [Fact]
    public async Task Materialize_ManyRunnersAtOnceWithACacheTooSmall_EveryCopyIsWhole()
    {
        var src = Dir("src");
        for (var i = 0; i < 200; i++)
            await File.WriteAllTextAsync(Path.Combine(src, $"f{i}.txt"), new string('x', 500) + i);
        var storage = new LocalStorage(Dir("store"));
        var id = await new SnapshotStore(storage).SaveAsync(src, SnapshotStore.Scan(src), default);
        // Holds about a tenth of the tree: runners evict each other's entries while they copy them.
        var cache = new BlobCache(Path.Combine(_root, "cache"), capacity: 10_000, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(r => Task.Run(() =>
            new SnapshotStore(storage, cache).MaterializeAsync(id, Path.Combine(_root, $"copy{r}"), $"run a-{r}", default))));

        for (var r = 0; r < 6; r++)
            for (var i = 0; i < 200; i++)
                (await File.ReadAllTextAsync(Path.Combine(_root, $"copy{r}", $"f{i}.txt"))).ShouldBe(new string('x', 500) + i);
        Directory.EnumerateFiles(cache.Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length).ShouldBeLessThanOrEqualTo(10_000);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
