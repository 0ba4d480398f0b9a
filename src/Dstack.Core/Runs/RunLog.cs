using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// A repo's runs in the order they were submitted (<see cref="StoreKeys.RunLog"/>): <c>ps -a</c> lists the runs submitted since
/// it last looked, one short listing, instead of every run of the repo. Written at submit, with the unfinished marker and
/// before the record, so a run is in the log for as long as it is listed.
/// </summary>
/// <remarks>
/// A reader lists from its last look less <see cref="Overlap"/>: a marker written late (a slow store, a submitting machine's
/// clock behind the reader's) is found as long as it is late by less than that. A run submitted by a dstack from before this
/// log has no marker: it is found by the full listing a reader makes when it knows no earlier view.
/// </remarks>
public sealed class RunLog(IStorage storage)
{
    /// <summary>How far before its last look a reader lists again.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(10);

    public Task AddAsync(RepoRef repo, string run, DateTimeOffset submittedAt, CancellationToken ct) =>
        storage.PutIfAbsentAsync(StoreKeys.RunLog(repo, submittedAt, run), ReadOnlyMemory<byte>.Empty, ct);

    /// <summary>The runs logged since <paramref name="ticks"/> (UTC) less <see cref="Overlap"/>, oldest first.</summary>
    public async Task<List<string>> SinceAsync(RepoRef repo, long ticks, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var key in storage.ListAfterAsync(StoreKeys.RunLogOf(repo), StoreKeys.RunLogBefore(repo, ticks - Overlap.Ticks), ct))
            if (StoreKeys.RunOfMarker(key) is { } run && RunName.IsValid(run)) names.Add(run);
        return names;
    }
}
