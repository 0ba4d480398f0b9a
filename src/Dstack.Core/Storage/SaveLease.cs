namespace Dstack.Core.Storage;

/// <summary>
/// A save in progress, announced in the store (<c>writers/ID</c>) for as long as it runs. A save stores blobs and a
/// manifest before the pointer, run record or tag that references them; until then only this lease protects them:
/// <see cref="GarbageCollector"/> keeps whatever was stored or touched since the oldest live lease was taken, whatever its
/// age cut-off. A writer that dies leaves its lease behind; after <see cref="Expiry"/> gc ignores it and removes it.
/// </summary>
public sealed class SaveLease : IAsyncDisposable
{
    /// <summary>Longer than any one save (a final upload of a large artifact included).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private readonly IStorage _storage;
    private readonly string _key;

    private SaveLease(IStorage storage, string key) => (_storage, _key) = (storage, key);

    /// <summary>Takes a lease; it counts from the store's own clock (the lease object's modified time), as blobs do.</summary>
    public static async Task<SaveLease> TakeAsync(IStorage storage, CancellationToken ct)
    {
        var key = StoreKeys.Writer(Guid.NewGuid().ToString("N"));
        await storage.PutAsync(key, ReadOnlyMemory<byte>.Empty, ct);
        return new SaveLease(storage, key);
    }

    /// <summary>Released once what the save stored is referenced (or the save failed); best effort, a stale lease expires.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _storage.DeleteAsync(_key, CancellationToken.None); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException) { /* expires on its own */ }
    }
}
