using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Support;

/// <summary>A store that can be made unreachable: while <see cref="Down"/>, every call fails as a dropped connection would.</summary>
public sealed class FlakyStorage(IStorage inner) : IStorage
{
    public bool Down { get; set; }

    /// <summary>Every write that reached the store, in order: (key, content).</summary>
    public List<(string Key, byte[] Data)> Writes { get; } = [];

    /// <summary>Every key whose content was fetched (get or open), in order.</summary>
    public List<string> Reads { get; } = [];

    /// <summary>How many calls failed because the store was down.</summary>
    public int Refused { get; private set; }

    private void Check()
    {
        if (!Down) return;
        Refused++;
        throw new IOException("Connection reset by peer");
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        Check();
        await inner.PutAsync(key, data, ct);
        lock (Writes) Writes.Add((key, data.ToArray()));
    }

    /// <summary>Awaited before each get of a key (e.g. to hold one read until another is asked); none by default.</summary>
    public Func<string, Task>? BeforeGet { get; set; }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        Check();
        Read(key);
        if (BeforeGet is { } before) await before(key);
        return await inner.GetAsync(key, ct);
    }
    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) { Check(); return inner.PutIfAbsentAsync(key, data, ct); }
    public Task<bool> ExistsAsync(string key, CancellationToken ct) { Check(); return inner.ExistsAsync(key, ct); }
    public Task DeleteAsync(string key, CancellationToken ct) { Check(); return inner.DeleteAsync(key, ct); }
    public Task<bool> TouchAsync(string key, CancellationToken ct) { Check(); return inner.TouchAsync(key, ct); }
    public Task<DateTimeOffset?> GetModifiedAsync(string key, CancellationToken ct) { Check(); return inner.GetModifiedAsync(key, ct); }
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) { Check(); return inner.ListAsync(prefix, ct); }
    public IAsyncEnumerable<string> ListChildrenAsync(string prefix, CancellationToken ct) { Check(); return inner.ListChildrenAsync(prefix, ct); }
    public Task PutFileAsync(string key, string localPath, CancellationToken ct) { Check(); return inner.PutFileAsync(key, localPath, ct); }
    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct) { Check(); Read(key); return inner.OpenReadAsync(key, ct); }

    private void Read(string key) { lock (Reads) Reads.Add(key); }
}
