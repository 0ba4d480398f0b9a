namespace Dstack.Core.Storage;

/// <summary>
/// A collection in progress (<c>dstack gc</c>, or the reclaim of <c>dstack rm</c>), announced at <c>collections/ID</c>
/// from before it reads the leases until its last delete. It is one half of a handshake with saves that trust a listing
/// of blobs instead of touching each one: a save names what it reuses in its lease (<see cref="SaveLease.ProtectAsync"/>),
/// then looks for a live marker before it lists. A collection that began later reads that lease and keeps the content;
/// one that began earlier is seen, and the save falls back to touching what it reuses.
/// </summary>
public sealed class CollectionMarker : IAsyncDisposable
{
    /// <summary>A marker not renewed for this long was left by a collection that died: saves ignore it.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    /// <summary>How often a long collection renews its marker (well inside <see cref="Expiry"/>).</summary>
    private static readonly TimeSpan Renewal = TimeSpan.FromMinutes(10);

    private readonly IStorage _storage;
    private readonly TimeProvider _time;
    private readonly string _key;
    private DateTimeOffset _renewed;

    private CollectionMarker(IStorage storage, TimeProvider time, string key) => (_storage, _time, _key, _renewed) = (storage, time, key, time.GetUtcNow());

    public static async Task<CollectionMarker> BeginAsync(IStorage storage, TimeProvider time, CancellationToken ct)
    {
        var marker = new CollectionMarker(storage, time, StoreKeys.Collection(Guid.NewGuid().ToString("N")));
        await storage.PutAsync(marker._key, ReadOnlyMemory<byte>.Empty, ct);
        var dead = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.CollectionsPrefix, ct))
            if (await storage.GetModifiedAsync(key, ct) is { } modified && modified <= time.GetUtcNow() - Expiry) dead.Add(key);
        foreach (var key in dead) await storage.DeleteAsync(key, ct);
        return marker;
    }

    /// <summary>Called between deletes: rewrites the marker when it is due, so that a long collection never looks dead.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        if (_time.GetUtcNow() - _renewed < Renewal) return;
        await _storage.PutAsync(_key, ReadOnlyMemory<byte>.Empty, ct);
        _renewed = _time.GetUtcNow();
    }

    /// <summary>
    /// Whether a collection may be deleting now: one listing (empty, normally). <paramref name="now"/> is by the store's
    /// clock (an object's modified time); markers older than <see cref="Expiry"/> then are ignored.
    /// </summary>
    public static Task<bool> AnyLiveAsync(IStorage storage, DateTimeOffset now, CancellationToken ct) =>
        AnyLiveAsync(storage, _ => Task.FromResult(now), ct);

    /// <summary>
    /// Like <see cref="AnyLiveAsync(IStorage, DateTimeOffset, CancellationToken)"/>, the store's clock read by
    /// <paramref name="now"/> only when a marker is there (normally none: the listing is then the only round trip).
    /// </summary>
    public static async Task<bool> AnyLiveAsync(IStorage storage, Func<CancellationToken, Task<DateTimeOffset>> now, CancellationToken ct)
    {
        DateTimeOffset? at = null;
        await foreach (var key in storage.ListAsync(StoreKeys.CollectionsPrefix, ct))
            if (await storage.GetModifiedAsync(key, ct) is { } modified && modified > (at ??= await now(ct)) - Expiry) return true;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _storage.DeleteAsync(_key, CancellationToken.None); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException) { /* expires on its own */ }
    }
}
