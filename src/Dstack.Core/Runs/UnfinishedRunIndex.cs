using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// What plain <c>ps</c> reads instead of every run of a repo: a create-only marker per run that has not ended
/// (<see cref="StoreKeys.UnfinishedRun"/>), and markers of the newest few runs (<see cref="StoreKeys.RecentRun"/>), both
/// written at submit before the run's record. The runner that writes a run's last final state removes its unfinished
/// marker (of two jobs ending at once, one sees the other's state). Markers are a hint checked against the runs: a reader
/// drops one whose run has ended (its runner died before removing it, or was declared lost) or is gone.
/// </summary>
/// <remarks>
/// A run submitted by a dstack from before this index has no marker; plain <c>ps</c> falls back to reading every run when
/// no recent marker leads to a run.
/// </remarks>
public sealed class UnfinishedRunIndex(IStorage storage)
{
    /// <summary>Recent markers kept: a few spare a full listing when the newest runs are removed.</summary>
    private const int RecentKept = 4;
    private readonly RunStore _runs = new(storage);

    /// <summary>At submit, before the run's record: from the moment the run is listed, plain <c>ps</c> finds it.</summary>
    public Task AddAsync(RunRecord run, CancellationToken ct) => AddAsync(run.Repo, run.RunName, run.SubmittedAt, ct);

    /// <summary>Both markers at once (each is a round trip on a bucket).</summary>
    public Task AddAsync(RepoRef repo, string run, DateTimeOffset submittedAt, CancellationToken ct) =>
        Task.WhenAll(storage.PutIfAbsentAsync(StoreKeys.UnfinishedRun(repo, submittedAt, run), ReadOnlyMemory<byte>.Empty, ct),
            MarkRecentAsync(repo, run, submittedAt, ct));

    /// <summary>Makes the run one of the repo's recent runs, and drops recent markers past the newest few that are older than it.</summary>
    public async Task MarkRecentAsync(RepoRef repo, string run, DateTimeOffset submittedAt, CancellationToken ct)
    {
        var marker = StoreKeys.RecentRun(repo, submittedAt, run);
        await storage.PutIfAbsentAsync(marker, ReadOnlyMemory<byte>.Empty, ct);
        // Only older ones: a newer marker, a teammate's written meanwhile, is left alone.
        foreach (var old in (await ListAsync(StoreKeys.RecentRunsOf(repo), ct)).Skip(RecentKept))
            if (string.CompareOrdinal(old.Key, marker) > 0) await storage.DeleteAsync(old.Key, ct);
    }

    /// <summary>
    /// Puts the run's unfinished marker back: a runner declared lost while out of reach, and back, goes on, and plain
    /// <c>ps</c> lists its run again (a reader dropped the marker of the run it found ended).
    /// </summary>
    public Task ReinstateAsync(RunRecord run, CancellationToken ct) =>
        storage.PutIfAbsentAsync(StoreKeys.UnfinishedRun(run.Repo, run.SubmittedAt, run.RunName), ReadOnlyMemory<byte>.Empty, ct);

    /// <summary>Removes the run's unfinished marker once every job of it has ended. Each job's runner calls it after its final state.</summary>
    public async Task RemoveIfFinishedAsync(RunRecord run, CancellationToken ct)
    {
        foreach (var job in run.Jobs)
            if ((await _runs.GetStateAsync(run.Repo, run.RunName, job.Index, ct))?.Status.IsFinished() != true) return;
        await storage.DeleteAsync(StoreKeys.UnfinishedRun(run.Repo, run.SubmittedAt, run.RunName), ct);
    }

    /// <summary>The unfinished markers of the repo, newest submitted first.</summary>
    public Task<List<RunMarker>> UnfinishedAsync(RepoRef repo, CancellationToken ct) => ListAsync(StoreKeys.UnfinishedRunsOf(repo), ct);

    /// <summary>The recent markers of the repo, newest submitted first.</summary>
    public Task<List<RunMarker>> RecentAsync(RepoRef repo, CancellationToken ct) => ListAsync(StoreKeys.RecentRunsOf(repo), ct);

    /// <summary>
    /// Drops a marker whose run a reader found ended, or (<paramref name="unlessSubmitting"/>) without a record: then only
    /// when no submit of it is in progress and the record is still missing after that check (the submitter stores the record
    /// before it removes its submit marker).
    /// </summary>
    public async Task DropAsync(RepoRef repo, RunMarker marker, bool unlessSubmitting, CancellationToken ct)
    {
        if (unlessSubmitting && (await storage.ExistsAsync(StoreKeys.Submitting(repo, marker.Run), ct)
                                 || await storage.ExistsAsync(StoreKeys.Run(repo, marker.Run), ct))) return;
        await storage.DeleteAsync(marker.Key, ct);
    }

    private async Task<List<RunMarker>> ListAsync(string prefix, CancellationToken ct)
    {
        var markers = new List<RunMarker>();
        await foreach (var key in storage.ListAsync(prefix, ct))
            if (StoreKeys.RunOfMarker(key) is { } run && RunName.IsValid(run)) markers.Add(new RunMarker(key, run));
        return markers;
    }
}
