using System.Text;

namespace Dstack.Core.Storage;

/// <summary>
/// A save in progress, announced in the store (<c>writers/ID</c>) for as long as it runs. A save stores blobs and a
/// manifest before the pointer, run record or tag that references them; until then only this lease protects them:
/// <see cref="GarbageCollector"/> keeps whatever was stored or touched since the oldest live lease was taken, whatever its
/// age cut-off, and whatever the lease names as reused (<see cref="ProtectAsync"/>). A writer that dies leaves its lease
/// behind; after <see cref="Expiry"/> gc ignores it and removes it.
/// </summary>
public sealed class SaveLease : IAsyncDisposable
{
    /// <summary>Longer than any one save (a final upload of a large artifact included).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private readonly IStorage _storage;
    private readonly string _key;
    /// <summary>Everything named so far: a lease over several saves (a tag of several folders) protects them all.</summary>
    private readonly HashSet<string> _protected = new(StringComparer.Ordinal);

    private SaveLease(IStorage storage, string key) => (_storage, _key) = (storage, key);

    /// <summary>Takes a lease; it counts from the store's own clock (the lease object's modified time), as blobs do.</summary>
    public static async Task<SaveLease> TakeAsync(IStorage storage, CancellationToken ct)
    {
        var key = StoreKeys.Writer(Guid.NewGuid().ToString("N"));
        await storage.PutAsync(key, ReadOnlyMemory<byte>.Empty, ct);
        return new SaveLease(storage, key);
    }

    /// <summary>
    /// Names content (blobs, and manifests by their id) the save will reference without touching it: a collection that
    /// starts after this returns keeps it. One write however many hashes, instead of one touch each; a collection already
    /// running is the caller's to detect (<see cref="CollectionMarker.AnyLiveAsync(IStorage, Func{CancellationToken, Task{DateTimeOffset}}, CancellationToken)"/>,
    /// its clock from <see cref="ProtectedAtAsync"/>), after this call.
    /// </summary>
    public async Task ProtectAsync(IEnumerable<string> hashes, CancellationToken ct)
    {
        var text = new StringBuilder();
        lock (_protected)
        {
            _protected.UnionWith(hashes);
            foreach (var hash in _protected) text.Append(hash).Append('\n');
        }
        await _storage.PutAsync(_key + StoreKeys.ReuseSuffix, Encoding.ASCII.GetBytes(text.ToString()), ct);
    }

    /// <summary>When the list of <see cref="ProtectAsync"/> was last written, by the store's clock.</summary>
    public async Task<DateTimeOffset> ProtectedAtAsync(CancellationToken ct) =>
        // Gone already (it cannot be, short of someone deleting it): every collection marker then counts as live.
        await _storage.GetModifiedAsync(_key + StoreKeys.ReuseSuffix, ct) ?? DateTimeOffset.MaxValue;

    /// <summary>The hashes a live lease's reuse list names (<see cref="ProtectAsync"/>).</summary>
    public static IEnumerable<string> ReadProtected(byte[] data) =>
        Encoding.ASCII.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Released once what the save stored is referenced (or the save failed); best effort, a stale lease expires.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_protected.Count > 0) await _storage.DeleteAsync(_key + StoreKeys.ReuseSuffix, CancellationToken.None);
            await _storage.DeleteAsync(_key, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException) { /* expires on its own */ }
    }
}
