using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runs;

/// <summary>
/// Lists a repo's runs for <c>ps</c>. A finished run never changes, so its summary is kept in a cache file
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
        var finished = listed.Where(s => s.IsFinished).ToList();
        if (finished.Count != cached.Count || finished.Any(s => !cached.ContainsKey(s.RunName))) Save(finished);
        return listed;
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

    private Dictionary<string, RunSummary> Load()
    {
        if (!File.Exists(cacheFile)) return new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        try { return StoreJson.Deserialize<RunIndex>(File.ReadAllBytes(cacheFile)).Runs.ToDictionary(r => r.RunName, StringComparer.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return new Dictionary<string, RunSummary>(StringComparer.Ordinal); // no cache, or a damaged one: read everything
        }
    }

    private void Save(List<RunSummary> finished)
    {
        var temp = $"{cacheFile}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cacheFile)!);
            File.WriteAllBytes(temp, StoreJson.Serialize(new RunIndex(finished)));
            File.Move(temp, cacheFile, overwrite: true);
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
