using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Store-side checkpoints of a repo's finished runs, as <c>ps</c> shows them (<see cref="RunCacheFormat"/>): a finished run
/// never changes, so <c>ps -a</c> on a machine without its cache reads the newest checkpoint, the runs logged since it was
/// listed (<see cref="RunLog"/>) and only the runs not settled in it, not every run's records. Each checkpoint is written
/// once, create-only, under a key naming when its runs were listed (<see cref="RunCache.ListedAt"/>) and its content's SHA-256 (<see cref="StoreKeys.RunSummaries"/>): writers racing each add their own, and a reader that finds
/// the content not matching its hash (a partial or damaged object) ignores it and tries the next older. The runs folder
/// stays the truth: a checkpoint's run that is no longer listed (removed) is never shown. <c>gc</c> compacts them.
/// </summary>
public sealed class RunCheckpoints(IStorage storage)
{
    /// <summary>Finished runs not in the newest checkpoint before <c>ps</c> writes a new one.</summary>
    public const int Threshold = 64;

    /// <summary>How many of the newest checkpoints a reader tries before giving up (the newest may be damaged or just removed).</summary>
    private const int Tried = 3;

    /// <summary>
    /// The newest checkpoint that checks out, and the runs logged since it was listed (<see cref="RunLog.SinceAsync"/>), both
    /// read at once: on a bucket, one round trip after the listing of checkpoints. Without one, the newest of an older format
    /// (named by its newest run) stands in as a view listed at an unknown time (0): every run is listed again, but its runs
    /// are not read again, and that listing writes a checkpoint of this format. Null when there is none.
    /// </summary>
    public async Task<(RunCache Cache, List<string> Newer)?> ReadNewestWithNewerAsync(RepoRef repo, CancellationToken ct)
    {
        var log = new RunLog(storage);
        var keys = await ListEveryFormatAsync(repo, ct);
        foreach (var key in keys.Where(IsListed).Take(Tried))
        {
            var newer = log.SinceAsync(repo, ListedAtOf(key), ct);
            if (await ReadViewAsync(key, ct) is { } cache) return (cache, await newer);
            try { await newer; }
            catch (Exception e) when (e is not OutOfMemoryException) { } // this checkpoint's failure is the one that counts
        }
        foreach (var key in keys.Where(k => !IsListed(k)).Take(Tried))
            if (await ReadCheckedAsync(key, ct) is { } older) return (new RunCache(older.Runs, 0), []);
        return null;
    }

    /// <summary>When the runs of the checkpoint at <paramref name="key"/> were listed (UTC ticks), from its name.</summary>
    public static long ListedAtOf(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.Length > 19 && long.TryParse(name.AsSpan(0, 19), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var inverted)
            ? DateTimeOffset.MaxValue.UtcTicks - inverted : 0;
    }

    /// <summary>All checkpoint keys of the repo, newest first (those of an older format, named by their newest run, left out).</summary>
    public async Task<List<string>> ListAsync(RepoRef repo, CancellationToken ct) => (await ListEveryFormatAsync(repo, ct)).Where(IsListed).ToList();

    /// <summary>Every checkpoint key of the repo, of this format or an older one, newest first within each.</summary>
    private async Task<List<string>> ListEveryFormatAsync(RepoRef repo, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.RunSummariesOf(repo), ct)) keys.Add(key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Whether the checkpoint at <paramref name="key"/> is named by its listing time (this format), not by its newest run.</summary>
    private static bool IsListed(string key)
    {
        var name = key.AsSpan(key.LastIndexOf('/') + 1);
        return name.Length > 20 && name[19..].StartsWith(StoreKeys.RunSummariesListed + ".", StringComparison.Ordinal);
    }

    /// <summary>The runs of one checkpoint; null when it is gone, or its content does not match the hash in its name.</summary>
    public async Task<Dictionary<string, RunSummary>?> ReadAsync(string key, CancellationToken ct) => (await ReadViewAsync(key, ct))?.Runs;

    /// <summary>As <see cref="ReadAsync"/>, with when its runs were listed.</summary>
    public async Task<RunCache?> ReadViewAsync(string key, CancellationToken ct) =>
        await ReadCheckedAsync(key, ct) is { } cache && cache.ListedAt == ListedAtOf(key) ? cache : null;

    /// <summary>The checkpoint at <paramref name="key"/> whatever its format; null when gone, damaged or not matching its hash.</summary>
    private async Task<RunCache?> ReadCheckedAsync(string key, CancellationToken ct)
    {
        var dot = key.LastIndexOf('.');
        if (dot < 0 || await storage.GetAsync(key, ct) is not { } data) return null;
        return ContentHash.Of(data) == key[(dot + 1)..] ? RunCacheFormat.ParseView(data) : null;
    }

    /// <summary>Writes a checkpoint of these runs, listed at <paramref name="listedAt"/> (UTC ticks; none: nothing is written); returns its key.</summary>
    public async Task<string?> WriteAsync(RepoRef repo, IReadOnlyCollection<RunSummary> runs, long listedAt, CancellationToken ct)
    {
        if (runs.Count == 0) return null;
        var data = RunCacheFormat.Write(runs, listedAt);
        var key = StoreKeys.RunSummaries(repo, new DateTimeOffset(listedAt, TimeSpan.Zero), ContentHash.Of(data));
        await storage.PutIfAbsentAsync(key, data, ct);
        return key;
    }
}
