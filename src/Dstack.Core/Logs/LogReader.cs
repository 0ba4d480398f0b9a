using System.Runtime.CompilerServices;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Logs;

/// <summary>
/// Reads a job's log chunks in order, remembering where it stopped, so it can be polled to follow a live job.
/// Entries are yielded as each chunk is read, never a whole chunk or log at once; a chunk counts as read once all of
/// its entries were taken. Chunks whose name rules them out (<see cref="LogChunkName"/>) are never fetched.
/// </summary>
public sealed class LogReader(IStorage storage, RepoRef repo, string run, int job)
{
    /// <summary>The job (in a multi-node run, the node's rank) whose logs this reads.</summary>
    public int Job => job;

    private string _last = "";

    private string Prefix => StoreKeys.LogsPrefix(repo, run, job);

    /// <summary>Entries of the chunks not read yet; with <paramref name="since"/>, only those written from then on.</summary>
    public async IAsyncEnumerable<LogEntry> ReadNewAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct)
    {
        var sinceMs = since?.ToUnixTimeMilliseconds();
        foreach (var (name, parsed) in await NewChunksAsync(ct))
        {
            if (sinceMs is { } from && parsed.LastMs is { } last && last < from)
            {
                _last = name; // wholly before the time: skipped unread
                continue;
            }
            if (await storage.OpenReadAsync(Prefix + name, ct) is not { } stream) yield break;
            await using (stream)
                await foreach (var entry in LogChunkFormat.DecodeAsync(stream, ct))
                    if (sinceMs is null || entry.At.ToUnixTimeMilliseconds() >= sinceMs) yield return entry;
            _last = name;
        }
    }

    public IAsyncEnumerable<LogEntry> ReadNewAsync(CancellationToken ct) => ReadNewAsync(since: null, ct);

    /// <summary>
    /// The last <paramref name="lines"/> lines (an unfinished last line counts as one) of the chunks not read yet, reading
    /// only the chunks they are in when the names say how many lines each holds; older chunks are read through otherwise.
    /// </summary>
    public async IAsyncEnumerable<LogEntry> ReadTailAsync(int lines, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct)
    {
        var chunks = await NewChunksAsync(ct);
        if (chunks.Count == 0) yield break;
        if (lines <= 0)
        {
            _last = chunks[^1].Name;
            yield break;
        }
        if (chunks.Any(c => !c.Parsed.HasSummary))
        {
            await foreach (var entry in TailOfAllAsync(chunks, lines, ct))
                if (since is null || entry.At >= since) yield return entry;
            yield break;
        }
        // Whole lines to show, then the first chunk to read: the one holding the end of the line before them.
        var whole = lines - (chunks[^1].Parsed.EndsMidLine ? 1 : 0);
        var ends = 0;
        var first = chunks.Count;
        while (first > 0 && ends <= whole) ends += chunks[--first].Parsed.Lines!.Value;
        var skip = Math.Max(0, ends - whole);
        for (var i = first; i < chunks.Count; i++)
        {
            if (await storage.OpenReadAsync(Prefix + chunks[i].Name, ct) is not { } stream) yield break;
            await using (stream)
                await foreach (var entry in LogChunkFormat.DecodeAsync(stream, ct))
                {
                    if (skip > 0)
                    {
                        if (entry.EndsLine) skip--;
                        continue;
                    }
                    if (since is null || entry.At >= since) yield return entry;
                }
            _last = chunks[i].Name;
        }
    }

    /// <summary>Chunks without a summary in their name (format 1): every entry is read, the last lines kept.</summary>
    private async IAsyncEnumerable<LogEntry> TailOfAllAsync(List<(string Name, LogChunkName Parsed)> chunks, int lines, [EnumeratorCancellation] CancellationToken ct)
    {
        var kept = new Queue<LogEntry>();
        var ends = 0;
        foreach (var (name, _) in chunks)
        {
            if (await storage.OpenReadAsync(Prefix + name, ct) is not { } stream) break;
            await using (stream)
                await foreach (var entry in LogChunkFormat.DecodeAsync(stream, ct))
                {
                    kept.Enqueue(entry);
                    if (entry.EndsLine) ends++;
                    // The kept lines are the last `lines`, counting an unfinished one after them: drop a line when over.
                    while (ends + (kept.Count > 0 && !entry.EndsLine ? 1 : 0) > lines && ends > 0)
                        if (kept.Dequeue().EndsLine) ends--;
                }
            _last = name;
        }
        foreach (var entry in kept) yield return entry;
    }

    private async Task<List<(string Name, LogChunkName Parsed)>> NewChunksAsync(CancellationToken ct)
    {
        var chunks = new List<(string, LogChunkName)>();
        await foreach (var name in storage.ListChildrenAsync(Prefix, ct))
            if (string.CompareOrdinal(name, _last) > 0 && LogChunkName.Parse(name) is { } parsed)
                chunks.Add((name, parsed));
        return chunks;
    }
}
