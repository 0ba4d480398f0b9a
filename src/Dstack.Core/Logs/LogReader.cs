using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Logs;

/// <summary>Reads a job's log chunks in order, remembering where it stopped, so it can be polled to follow a live job.</summary>
public sealed class LogReader(IStorage storage, RepoRef repo, string run, int job)
{
    private string _last = "";

    public async Task<IReadOnlyList<LogEntry>> ReadNewAsync(CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var name in storage.ListChildrenAsync(StoreKeys.LogsPrefix(repo, run, job), ct))
            if (string.CompareOrdinal(name, _last) > 0 && name.EndsWith(".log", StringComparison.Ordinal))
                names.Add(name);
        var entries = new List<LogEntry>();
        foreach (var name in names)
        {
            var data = await storage.GetAsync(StoreKeys.LogsPrefix(repo, run, job) + name, ct);
            if (data is null) break;
            entries.AddRange(LogChunkFormat.Decode(data));
            _last = name;
        }
        return entries;
    }
}
