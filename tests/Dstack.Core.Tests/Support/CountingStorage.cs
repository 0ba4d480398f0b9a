using System.Collections.Concurrent;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Support;

/// <summary>A store that counts what is asked of it: each read (get, exists, open), each listing and each write (put, touch), by key or prefix.</summary>
public sealed class CountingStorage(IStorage inner) : IStorage
{
    private readonly ConcurrentQueue<string> _reads = new();
    private readonly ConcurrentQueue<string> _listings = new();
    private readonly ConcurrentQueue<string> _writes = new();
    private readonly ConcurrentQueue<string> _opens = new();

    public IReadOnlyCollection<string> Reads => _reads;
    public IReadOnlyCollection<string> Listings => _listings;
    public IReadOnlyCollection<string> Writes => _writes;
    /// <summary>Streams opened (<see cref="IStorage.OpenReadAsync"/>), also counted as reads: in S3 each costs a HEAD before its GETs.</summary>
    public IReadOnlyCollection<string> Opens => _opens;

    /// <summary>Reads of run records (<c>run.json</c>).</summary>
    public int RunRecordReads => _reads.Count(k => k.EndsWith("/run.json", StringComparison.Ordinal));

    public void Reset()
    {
        _reads.Clear();
        _listings.Clear();
        _writes.Clear();
        _opens.Clear();
        _touches.Clear();
    }

    /// <summary>How long each get takes, as a bucket's round trip would (zero: as fast as the inner store).</summary>
    public TimeSpan GetLatency { get; set; }

    /// <summary>The most gets that were in flight at once.</summary>
    public int MaxGetsInFlight => _maxInFlight;

    private int _inFlight, _maxInFlight;

    /// <summary>Awaited before each get of a key (e.g. to hold one read until another has been asked); none by default.</summary>
    public Func<string, Task>? BeforeGet { get; set; }

    /// <summary>Awaited before a listing's first key is given (e.g. to hold it until another listing has been asked); none by default.</summary>
    public Func<string, CancellationToken, Task>? BeforeList { get; set; }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        _reads.Enqueue(key);
        if (BeforeGet is { } before) await before(key);
        var now = Interlocked.Increment(ref _inFlight);
        for (var seen = _maxInFlight; now > seen; seen = _maxInFlight) Interlocked.CompareExchange(ref _maxInFlight, now, seen);
        try
        {
            if (GetLatency > TimeSpan.Zero) await Task.Delay(GetLatency, ct);
            return await inner.GetAsync(key, ct);
        }
        finally { Interlocked.Decrement(ref _inFlight); }
    }
    public Task<bool> ExistsAsync(string key, CancellationToken ct) { _reads.Enqueue(key); return inner.ExistsAsync(key, ct); }
    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct) { _reads.Enqueue(key); _opens.Enqueue(key); return inner.OpenReadAsync(key, ct); }
    public Task<DateTimeOffset?> GetModifiedAsync(string key, CancellationToken ct) { _reads.Enqueue(key); return inner.GetModifiedAsync(key, ct); }
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) { _listings.Enqueue(prefix); return Held(prefix, inner.ListAsync(prefix, ct), ct); }
    public IAsyncEnumerable<string> ListAfterAsync(string prefix, string startAfter, CancellationToken ct) { _listings.Enqueue(prefix); return Held(prefix, inner.ListAfterAsync(prefix, startAfter, ct), ct); }
    public IAsyncEnumerable<string> ListChildrenAsync(string prefix, CancellationToken ct) { _listings.Enqueue(prefix); return Held(prefix, inner.ListChildrenAsync(prefix, ct), ct); }

    private async IAsyncEnumerable<string> Held(string prefix, IAsyncEnumerable<string> keys, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (BeforeList is { } before) await before(prefix, ct);
        await foreach (var key in keys.WithCancellation(ct)) yield return key;
    }
    /// <summary>Awaited before each put of a key (e.g. to hold one write until another has been made); none by default.</summary>
    public Func<string, Task>? BeforePut { get; set; }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _writes.Enqueue(key);
        if (BeforePut is { } before) await before(key);
        await inner.PutAsync(key, data, ct);
    }
    public async Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _writes.Enqueue(key);
        if (BeforePut is { } before) await before(key);
        return await inner.PutIfAbsentAsync(key, data, ct);
    }
    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
    public Task<bool> TouchAsync(string key, CancellationToken ct) { _writes.Enqueue(key); _touches.Enqueue(key); return inner.TouchAsync(key, ct); }

    private readonly ConcurrentQueue<string> _touches = new();
    /// <summary>Touches (<see cref="IStorage.TouchAsync"/>), also counted as writes: in S3 each costs a HEAD and a copy.</summary>
    public IReadOnlyCollection<string> Touches => _touches;
    public Task PutFileAsync(string key, string localPath, CancellationToken ct) { _writes.Enqueue(key); return inner.PutFileAsync(key, localPath, ct); }
}
