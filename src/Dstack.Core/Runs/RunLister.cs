using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Lists a repo's runs for <c>ps</c>. A settled run never changes, so its summary is kept in a cache file
/// on this machine: a listing then costs one listing of the store plus reads of the runs that are new or
/// still going, whatever the store's latency. Removed runs drop out because the listing no longer has them.
/// A run whose records cannot be read is left out and handed to <paramref name="unreadable"/> (without it, it throws).
/// </summary>
public sealed class RunLister(IStorage storage, RunMonitor monitor, string cacheFile, Action<UnreadableRecordException>? unreadable = null)
{
    private readonly RunStore _runs = new(storage);

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var child in storage.ListChildrenAsync(StoreKeys.RunsPrefix(repo), ct))
            if (child.EndsWith('/')) names.Add(child.TrimEnd('/'));
        var cached = Load();
        var summaries = await Task.WhenAll(names.Select(name => cached.TryGetValue(name, out var hit) ? Task.FromResult<RunSummary?>(hit) : ReadAsync(repo, name, ct)));
        var listed = summaries.OfType<RunSummary>().ToList();
        listed.Sort((a, b) => b.SubmittedAt.CompareTo(a.SubmittedAt));
        var finished = listed.Where(s => s.IsSettled).ToList();
        if (finished.Count != cached.Count || finished.Any(s => !cached.ContainsKey(s.RunName)) || !File.Exists(NamesFile)) Save(finished);
        return listed;
    }

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
        var markers = (await index.UnfinishedAsync(repo, ct)).DistinctBy(m => m.Run).ToList();
        var read = await Task.WhenAll(markers.Select(m => ReadAsync(repo, m.Run, ct)));
        var unfinished = new List<RunSummary>();
        for (var i = 0; i < markers.Count; i++)
        {
            if (read[i] is not { } summary) await index.DropAsync(repo, markers[i], unlessSubmitting: true, ct);
            else if (summary.IsFinished) await index.DropAsync(repo, markers[i], unlessSubmitting: false, ct); // its runner died, or was lost
            else unfinished.Add(summary);
        }
        if (unfinished.Count > 0) return unfinished.OrderByDescending(s => s.SubmittedAt).ToList();
        foreach (var marker in await index.RecentAsync(repo, ct))
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
        var read = (await Task.WhenAll(names.Where(n => !finished.ContainsKey(n)).Select(name => ReadAsync(repo, name, ct)))).OfType<RunSummary>().ToList();
        if (read.Any(s => s.IsSettled)) return UnfinishedOrLatest(await ListAsync(repo, ct));
        if (read.Count > 0) return read.OrderByDescending(s => s.SubmittedAt).ToList();
        var latest = names.Where(finished.ContainsKey).OrderByDescending(n => finished[n]).FirstOrDefault();
        return latest is not null && await ReadAsync(repo, latest, ct) is { } summary ? [summary] : [];
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
            return await _runs.GetAsync(repo, name, ct) is { } run ? RunSummary.Of(await monitor.ViewAsync(run, ct)) : null;
        }
        catch (UnreadableRecordException e) when (unreadable is not null)
        {
            unreadable(e); // its run.json, or a job's state, heartbeat or launch record
            return null;
        }
    }

    private Dictionary<string, RunSummary> Load() => RunCacheFormat.Read(cacheFile) ?? new Dictionary<string, RunSummary>(StringComparer.Ordinal);

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

    private void Save(List<RunSummary> finished)
    {
        // The names first: a names file ahead of its summaries only costs a full listing, never a wrong one.
        Write(NamesFile, System.Text.Encoding.UTF8.GetBytes(string.Concat(finished.Select(s => $"{s.SubmittedAt.UtcTicks} {s.RunName}\n"))));
        Write(cacheFile, RunCacheFormat.Write(finished));
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
