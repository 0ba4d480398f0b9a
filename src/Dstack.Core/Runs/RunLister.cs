using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Lists a repo's runs for <c>ps</c>. A settled run never changes, so its summary is kept in a cache file on this machine,
/// with the names of the runs not settled and when they were listed (<see cref="RunCache"/>). The next <c>ps -a</c> lists
/// only what changed since: the runs submitted since (<see cref="RunLog"/>), the unfinished ones
/// (<see cref="UnfinishedRunIndex"/>) and the removed ones (<see cref="RemovedRuns"/>), three short listings at once, whatever
/// the number of runs; it reads the runs that are new or not settled. Without such a view (a first look, a view older than
/// the removals <c>gc</c> has forgotten), every run is listed once.
/// A run whose records cannot be read is left out and handed to <paramref name="unreadable"/> (without it, it throws). A store
/// error while writing a checkpoint does not fail the listing: it goes to <paramref name="checkpointFailed"/> (<c>--debug</c>)
/// and to the stage trace (<c>DSTACK_TRACE=1</c>).
/// </summary>
public sealed class RunLister(IStorage storage, RunMonitor monitor, string cacheFile, Action<UnreadableRecordException>? unreadable = null, TimeProvider? time = null,
    Action<Exception>? checkpointFailed = null)
{
    private readonly RunStore _runs = new(storage);
    private readonly RunCheckpoints _checkpoints = new(storage);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Newest first. Without a cache on this machine, the store's newest checkpoint (<see cref="RunCheckpoints"/>) stands in
    /// for it; once this machine knows of <see cref="RunCheckpoints.Threshold"/> runs submitted since the checkpoint it knows
    /// was listed, it writes one, so that the next machine without a cache reads one object instead of them.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var listedAt = _time.GetUtcNow().UtcTicks;
        var removedListing = new RemovedRuns(storage).ListAsync(repo, ct);
        var unfinishedListing = new UnfinishedRunIndex(storage).UnfinishedAsync(repo, ct);
        var known = RunCacheFormat.ReadView(cacheFile);
        var newerListing = known is null ? null : new RunLog(storage).SinceAsync(repo, known.ListedAt, ct);
        var checkpointRead = false;
        if (known is null && await _checkpoints.ReadNewestWithNewerAsync(repo, ct) is { } newest)
        {
            (known, newerListing, checkpointRead) = (newest.Cache, Task.FromResult(newest.Newer), true);
        }
        var (removed, compactedBefore) = await removedListing;
        var unfinished = await unfinishedListing;
        var cached = known?.Runs ?? new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        IEnumerable<string> names;
        // A view listed before gc dropped old tombstones may hold a run removed since: every run is listed once.
        if (known is null || newerListing is null || known.ListedAt == 0 || known.ListedAt - RunLog.Overlap.Ticks < compactedBefore)
        {
            if (newerListing is not null) await Observed(newerListing);
            names = await ListAllNamesAsync(repo, ct);
            known = null;
            checkpointRead = false;
        }
        else
        {
            var all = new HashSet<string>(cached.Keys, StringComparer.Ordinal);
            all.UnionWith(await newerListing);
            all.UnionWith(unfinished.Select(m => m.Run));
            names = all;
        }
        // A task only for what is not settled in the view: 10,000 cached runs cost 10,000 lookups, not 10,000 tasks.
        var listed = new List<RunSummary>(cached.Count + 16);
        var unsettled = new List<string>();
        foreach (var name in names)
        {
            if (removed.Contains(name)) continue;
            if (cached.TryGetValue(name, out var hit) && hit.IsSettled) listed.Add(hit);
            else unsettled.Add(name);
        }
        foreach (var read in await ReadManyAsync(repo, unsettled, ct))
            if (read is not null) listed.Add(read);
        listed.Sort((a, b) => b.SubmittedAt.CompareTo(a.SubmittedAt));
        // Saved when the view changed, and at least every Overlap, so that the next look lists a short stretch of the log.
        var changed = known is null || listed.Count != cached.Count
                      || listed.Any(s => !cached.TryGetValue(s.RunName, out var c) || c.IsSettled != s.IsSettled)
                      || listedAt - known.ListedAt > RunLog.Overlap.Ticks || !File.Exists(NamesFile);
        if (changed) Save(listed, listedAt);
        // After a full listing, every run counts: the checkpoint this machine knew of (if any) did not spare it one.
        var since = known is null ? 0 : checkpointRead ? known.ListedAt : LoadCheckpointed();
        if (listed.Count(s => s.SubmittedAt.UtcTicks > since) < RunCheckpoints.Threshold)
        {
            if (checkpointRead) Write(CheckpointedFile, Ticks(since));
            return listed;
        }
        since = await CheckpointAsync(repo, listed, listedAt, since, ct);
        Write(CheckpointedFile, Ticks(since));
        return listed;
    }

    private static byte[] Ticks(long ticks) => System.Text.Encoding.UTF8.GetBytes(ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every run of the repo by name: one listing of the runs folder (on a bucket, a page per 1,000 runs).</summary>
    private async Task<List<string>> ListAllNamesAsync(RepoRef repo, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var child in storage.ListChildrenAsync(StoreKeys.RunsPrefix(repo), ct))
            if (child.EndsWith('/')) names.Add(child.TrimEnd('/'));
        return names;
    }

    /// <summary>
    /// Writes a checkpoint of the runs unless the store's newest (another machine's, written meanwhile) was listed after all
    /// but a few of them were submitted; when the runs of the checkpoint that holds them were listed (UTC ticks), or
    /// <paramref name="since"/> when none could be written.
    /// </summary>
    private async Task<long> CheckpointAsync(RepoRef repo, List<RunSummary> runs, long listedAt, long since, CancellationToken ct)
    {
        try
        {
            if ((await _checkpoints.ListAsync(repo, ct)).FirstOrDefault() is { } newest
                && RunCheckpoints.ListedAtOf(newest) is var theirs && theirs > since
                && runs.Count(s => s.SubmittedAt.UtcTicks > theirs) < RunCheckpoints.Threshold)
                return theirs;
            await _checkpoints.WriteAsync(repo, runs, listedAt, ct);
            return listedAt;
        }
        catch (Exception e) when (e is Errors.DstackException or IOException or UnauthorizedAccessException)
        {
            // A store that refuses the checkpoint only costs the next machine without a cache its speed: said, not thrown,
            // and tried again at the next listing (nothing is recorded as checkpointed).
            checkpointFailed?.Invoke(e);
            Diagnostics.StageTrace.Mark($"{CheckpointNotWritten}: {e.Message}");
            return since;
        }
    }

    /// <summary>What <c>--debug</c> and the stage trace say of a checkpoint the store refused.</summary>
    public const string CheckpointNotWritten = "ps -a: the store's checkpoint of the runs was not written (the next look without a cache reads every run)";

    /// <summary>
    /// What plain <c>ps</c> shows: the unfinished runs, newest first, or else the latest run. It costs what the unfinished
    /// runs cost: a listing of the repo's unfinished-run index and reads of the runs it names, then, when none is
    /// unfinished, of the newest recent marker's run (<see cref="UnfinishedRunIndex"/>), never a listing of every run.
    /// Every marker is checked against its run: one whose run has ended or is gone is dropped, so it neither hides nor
    /// repeats a run. When no recent marker leads to a run (runs from before the index), every run is listed once.
    /// </summary>
    public async Task<IReadOnlyList<RunSummary>> ListUnfinishedOrLatestAsync(RepoRef repo, CancellationToken ct)
    {
        var index = new UnfinishedRunIndex(storage);
        // Both listings at once: on a bucket each is a round trip, and the recent markers are needed whenever none is unfinished.
        var unfinishedListing = index.UnfinishedAsync(repo, ct);
        var recentListing = index.RecentAsync(repo, ct);
        await Task.WhenAll(unfinishedListing, recentListing);
        var markers = (await unfinishedListing).DistinctBy(m => m.Run).ToList();
        var read = await ReadManyAsync(repo, markers.Select(m => m.Run).ToList(), ct);
        var unfinished = new List<RunSummary>();
        for (var i = 0; i < markers.Count; i++)
        {
            if (read[i] is not { } summary) await index.DropAsync(repo, markers[i], unlessSubmitting: true, ct);
            else if (summary.IsFinished) await index.DropAsync(repo, markers[i], unlessSubmitting: false, ct); // its runner died, or was lost
            else unfinished.Add(summary);
        }
        if (unfinished.Count > 0) return unfinished.OrderByDescending(s => s.SubmittedAt).ToList();
        foreach (var marker in await recentListing)
        {
            if (await ReadAsync(repo, marker.Run, ct) is { } latest) return [latest];
            await index.DropAsync(repo, marker, unlessSubmitting: true, ct);
        }
        var all = await ListUnindexedAsync(repo, ct);
        // The latest run found the long way is marked, so that the next plain `ps` finds it in the index.
        if (all is [{ IsFinished: true } only]) await index.MarkRecentAsync(repo, only.RunName, only.SubmittedAt, ct);
        return all;
    }

    /// <summary>
    /// Plain <c>ps</c> over runs without index markers: one listing plus reads of the runs the cache does not hold as
    /// finished, and of the latest: the cache's names and submit times (a file of their own) are read, never its summaries.
    /// When a run is found finished since, a full listing brings the cache up to date, once.
    /// </summary>
    private async Task<IReadOnlyList<RunSummary>> ListUnindexedAsync(RepoRef repo, CancellationToken ct)
    {
        if (LoadNames() is not { } finished) return UnfinishedOrLatest(await ListAsync(repo, ct));
        var names = new List<string>();
        await foreach (var child in storage.ListChildrenAsync(StoreKeys.RunsPrefix(repo), ct))
            if (child.EndsWith('/')) names.Add(child.TrimEnd('/'));
        var read = (await ReadManyAsync(repo, names.Where(n => !finished.ContainsKey(n)).ToList(), ct)).OfType<RunSummary>().ToList();
        if (read.Any(s => s.IsSettled)) return UnfinishedOrLatest(await ListAsync(repo, ct));
        if (read.Count > 0) return read.OrderByDescending(s => s.SubmittedAt).ToList();
        var latest = names.Where(finished.ContainsKey).OrderByDescending(n => finished[n]).FirstOrDefault();
        return latest is not null && await ReadAsync(repo, latest, ct) is { } summary ? [summary] : [];
    }

    /// <summary>How many runs are read at once: a first <c>ps -a</c> of 10,000 runs must not ask a bucket 20,000 questions at once.</summary>
    public const int ReadParallelism = 32;

    /// <summary>The runs named, in that order (null for one that is gone or unreadable), at most <see cref="ReadParallelism"/> at a time.</summary>
    private async Task<RunSummary?[]> ReadManyAsync(RepoRef repo, IReadOnlyList<string> names, CancellationToken ct)
    {
        var read = new RunSummary?[names.Count];
        // Runs not cached as finished may be unfinished: a scheduler's shared answer (one squeue) is asked for now, while
        // they are read, rather than by the first check, which would hold every reader until it came; and it serves the
        // whole pass, however long a busy machine makes it.
        using var held = names.Count > 0 ? monitor.HoldChecks() : null;
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count), new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = ct },
            async (i, token) => read[i] = await ReadAsync(repo, names[i], token));
        return read;
    }

    private static List<RunSummary> UnfinishedOrLatest(IReadOnlyList<RunSummary> runs)
    {
        var unfinished = runs.Where(r => !r.IsFinished).ToList();
        return unfinished.Count > 0 ? unfinished : runs.Take(1).ToList();
    }

    private async Task<RunSummary?> ReadAsync(RepoRef repo, string name, CancellationToken ct)
    {
        try
        {
            // The first job's state is read with the record (nearly every run has one job, of index 0): one round trip, not two.
            var first = _runs.GetStateAsync(repo, name, 0, ct);
            var run = await _runs.GetAsync(repo, name, ct);
            if (run is null || run.Jobs.Count == 0 || run.Jobs[0].Index != 0)
            {
                await Observed(first);
                return run is null ? null : RunSummary.Of(await monitor.ViewAsync(run, ct));
            }
            return RunSummary.Of(await monitor.ViewAsync(run, first, ct));
        }
        catch (UnreadableRecordException e) when (unreadable is not null)
        {
            unreadable(e); // its run.json, or a job's state, heartbeat or launch record
            return null;
        }
    }

    /// <summary>Waits for a read made ahead that turned out not to be needed: its failure is not this listing's.</summary>
    private static async Task Observed(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }

    /// <summary>
    /// When the runs of the store's checkpoint this machine last found were listed (UTC ticks; 0: unknown): the runs submitted
    /// since are the ones no checkpoint holds.
    /// </summary>
    private long LoadCheckpointed()
    {
        try { return File.Exists(CheckpointedFile) && long.TryParse(File.ReadAllText(CheckpointedFile), out var n) ? n : 0; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
    }

    private string CheckpointedFile => cacheFile + ".checkpoint-listed";

    private string NamesFile => cacheFile + ".names";

    /// <summary>The finished runs' names and submit times (UTC ticks); null when there is no such file or it is damaged.</summary>
    private Dictionary<string, long>? LoadNames()
    {
        try
        {
            if (!File.Exists(NamesFile) || !File.Exists(cacheFile)) return null;
            var names = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(NamesFile))
            {
                var space = line.IndexOf(' ');
                if (space < 1 || !long.TryParse(line.AsSpan(0, space), out var ticks)) return null;
                names[line[(space + 1)..]] = ticks;
            }
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private void Save(List<RunSummary> runs, long listedAt)
    {
        // The names first: a names file ahead of its summaries only costs a full listing, never a wrong one.
        Write(NamesFile, System.Text.Encoding.UTF8.GetBytes(string.Concat(runs.Where(s => s.IsSettled).Select(s => $"{s.SubmittedAt.UtcTicks} {s.RunName}\n"))));
        Write(cacheFile, RunCacheFormat.Write(runs, listedAt));
    }

    private static void Write(string file, byte[] data)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(temp, data);
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written (a full disk) only costs speed; its temp file must not pile up.
            try { File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
