using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Store-side checkpoints of a repo's finished runs, as <c>ps</c> shows them (<see cref="RunCacheFormat"/>): a finished run
/// never changes, so <c>ps -a</c> on a machine without its cache reads the newest checkpoint and only the runs not in it,
/// not every run's records. Each checkpoint is written once, create-only, under a key naming the newest run it holds and
/// its content's SHA-256 (<see cref="StoreKeys.RunSummaries"/>): writers racing each add their own, and a reader that finds
/// the content not matching its hash (a partial or damaged object) ignores it and tries the next older. The runs folder
/// stays the truth: a checkpoint's run that is no longer listed (removed) is never shown. <c>gc</c> compacts them.
/// </summary>
public sealed class RunCheckpoints(IStorage storage)
{
    /// <summary>Finished runs not in the newest checkpoint before <c>ps</c> writes a new one.</summary>
    public const int Threshold = 64;

    /// <summary>How many of the newest checkpoints a reader tries before giving up (the newest may be damaged or just removed).</summary>
    private const int Tried = 3;

    /// <summary>The newest checkpoint that checks out: its key and runs by name; null when there is none.</summary>
    public async Task<(string Key, Dictionary<string, RunSummary> Runs)?> ReadNewestAsync(RepoRef repo, CancellationToken ct)
    {
        var keys = await ListAsync(repo, ct);
        foreach (var key in keys.Take(Tried))
            if (await ReadAsync(key, ct) is { } runs) return (key, runs);
        return null;
    }

    /// <summary>All checkpoint keys of the repo, newest first.</summary>
    public async Task<List<string>> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.RunSummariesOf(repo), ct)) keys.Add(key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>The runs of one checkpoint; null when it is gone, or its content does not match the hash in its name.</summary>
    public async Task<Dictionary<string, RunSummary>?> ReadAsync(string key, CancellationToken ct)
    {
        var dot = key.LastIndexOf('.');
        if (dot < 0 || await storage.GetAsync(key, ct) is not { } data) return null;
        return BlobStore.Hash(data) == key[(dot + 1)..] ? RunCacheFormat.Parse(data) : null;
    }

    /// <summary>Writes a checkpoint of these finished runs (none: nothing is written); returns its key.</summary>
    public async Task<string?> WriteAsync(RepoRef repo, IReadOnlyCollection<RunSummary> finished, CancellationToken ct)
    {
        if (finished.Count == 0) return null;
        var data = RunCacheFormat.Write(finished);
        var key = StoreKeys.RunSummaries(repo, finished.Max(s => s.SubmittedAt), BlobStore.Hash(data));
        await storage.PutIfAbsentAsync(key, data, ct);
        return key;
    }
}
