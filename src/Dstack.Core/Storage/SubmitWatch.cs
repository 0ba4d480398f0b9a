using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// A runner's view of the CLI that submits its run (<see cref="SubmitMarker"/>): whether it still lives. It does while its
/// marker's count moves; it is gone when the marker stops moving for <see cref="Stale"/>, when the marker is removed, or
/// when none appears within <see cref="FirstSign"/>. The marker is read at most every <see cref="ReadEvery"/>.
/// </summary>
public sealed class SubmitWatch(IStorage storage, RepoRef repo, string run, TimeProvider time)
{
    /// <summary>Many missed refreshes: a CLI that lives gets its writes through (the store retries each for 30 s).</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan FirstSign = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(1);

    private readonly DateTimeOffset _start = time.GetUtcNow();
    private DateTimeOffset _lastMove = time.GetUtcNow();
    private DateTimeOffset _lastRead = DateTimeOffset.MinValue;
    private string? _count;
    private bool _seen;
    private bool _alive = true;

    /// <summary>False once the submitting CLI is gone (see the class); a caller then reads the record once more.</summary>
    public async Task<bool> SubmitterAliveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!_alive || now - _lastRead < ReadEvery) return _alive;
        _lastRead = now;
        var data = await storage.GetAsync(StoreKeys.Submitting(repo, run), ct);
        if (data is null) return _alive = !_seen && now - _start < FirstSign;
        var count = System.Text.Encoding.ASCII.GetString(data);
        if (!_seen || count != _count) (_seen, _count, _lastMove) = (true, count, now);
        return _alive = now - _lastMove < Stale;
    }
}
