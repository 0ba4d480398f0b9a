using Dstack.Cli;
using System.Globalization;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Dashboard;

/// <summary>
/// Reads a window of about <see cref="Lines"/> entries of a job's log from the store: its end, what follows a position,
/// or what precedes one. A position is a chunk's number and an entry in it, since one chunk can hold a megabyte of lines.
/// The chunks to read are chosen from their names' line counts (a chunk without one counts as
/// <see cref="UnknownChunkLines"/>); only they are read, and only the window's entries are kept. A log is never read whole:
/// the end lists the chunks' names, what follows lists only the names from its chunk on.
/// </summary>
public sealed class LogWindow(IStorage storage)
{
    public const int Lines = 1000;
    public const int UnknownChunkLines = 100;

    private readonly record struct Chunk(string Name, long Seq, int? Lines);

    private readonly record struct Kept(LogEntry Entry, int Chunk, int Index);

    public async Task<LogWindowResponse> TailAsync(RepoRef repo, string run, int job, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, fromSeq: null, ct);
        return await EndingAtAsync(repo, run, job, chunks, chunks.Count, 0, ct);
    }

    /// <summary>The entries before entry <paramref name="entry"/> of chunk <paramref name="before"/> (0: before the chunk).</summary>
    public async Task<LogWindowResponse> BeforeAsync(RepoRef repo, string run, int job, long before, int entry, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, fromSeq: null, ct);
        var end = chunks.FindIndex(c => c.Seq >= before);
        if (end < 0 || chunks[end].Seq != before) entry = 0;
        return await EndingAtAsync(repo, run, job, chunks, end < 0 ? chunks.Count : end, entry, ct);
    }

    /// <summary>The entries after chunk <paramref name="after"/>, or with <paramref name="entry"/> ≥ 0 from that entry of it on.</summary>
    public async Task<LogWindowResponse> AfterAsync(RepoRef repo, string run, int job, long after, int entry, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, fromSeq: entry >= 0 ? after : after + 1, ct);
        var skip = entry >= 0 && chunks.Count > 0 && chunks[0].Seq == after ? entry : 0;
        var kept = new List<Kept>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var stoppedAt = -1;
            var read = await ReadAsync(repo, run, job, chunks[i], ct, (e, n) =>
            {
                if (kept.Count == Lines)
                {
                    stoppedAt = n; // the window is full: the rest of this chunk waits for the next call
                    return false;
                }
                if (i > 0 || n >= skip) kept.Add(new Kept(e, i, n));
                return true;
            });
            if (!read) break;
            if (stoppedAt >= 0) return Window(chunks, kept, Older(), more: true, lastEntry: stoppedAt);
            if (kept.Count == Lines && i < chunks.Count - 1) return Window(chunks, kept, Older(), more: true, lastEntry: -1);
        }
        return kept.Count == 0 ? LogWindowResponse.Empty(older: after > 0, more: false) : Window(chunks, kept, Older(), more: false, lastEntry: -1);

        // Chunks are numbered from 1: only a window from the first entry of the first chunk has nothing before it.
        bool Older() => after > 0 || kept[0].Chunk > 0 || kept[0].Index > 0;
    }

    /// <summary>The last <see cref="Lines"/> entries before entry <paramref name="entry"/> of <paramref name="chunks"/>[<paramref name="end"/>].</summary>
    private async Task<LogWindowResponse> EndingAtAsync(RepoRef repo, string run, int job, List<Chunk> chunks, int end, int entry, CancellationToken ct)
    {
        var start = end;
        var lines = entry;
        while (start > 0 && lines < Lines) lines += Math.Max(1, chunks[--start].Lines ?? UnknownChunkLines);
        var through = entry > 0 ? end : end - 1;
        var kept = new Queue<Kept>();
        for (var i = start; i <= through; i++)
        {
            var read = await ReadAsync(repo, run, job, chunks[i], ct, (e, n) =>
            {
                if (i == end && n == entry) return false;
                kept.Enqueue(new Kept(e, i, n));
                if (kept.Count > Lines) kept.Dequeue();
                return true;
            });
            if (!read) break; // removed meanwhile (rm): what was read stands
        }
        var more = entry > 0 || end < chunks.Count;
        if (kept.Count == 0) return LogWindowResponse.Empty(older: start > 0, more);
        var first = kept.Peek();
        return Window(chunks, kept.ToList(), older: first.Chunk > 0 || first.Index > 0, more, lastEntry: entry > 0 ? entry : -1);
    }

    private static LogWindowResponse Window(List<Chunk> chunks, List<Kept> kept, bool older, bool more, int lastEntry) =>
        new(kept.Select(k => new LogPiece(AnsiHtml.Convert(k.Entry.Text), k.Entry.EndsLine)).ToList(),
            chunks[kept[0].Chunk].Seq, chunks[kept[^1].Chunk].Seq, older, more, kept[0].Index, lastEntry);

    /// <summary>Hands the chunk's entries with their index to <paramref name="take"/> until it says stop; false when the chunk is gone.</summary>
    private async Task<bool> ReadAsync(RepoRef repo, string run, int job, Chunk chunk, CancellationToken ct, Func<LogEntry, int, bool> take)
    {
        if (await storage.OpenReadAsync(StoreKeys.LogChunk(repo, run, job, chunk.Name), ct) is not { } stream) return false;
        await using (stream)
        {
            var index = 0;
            await foreach (var entry in LogChunkFormat.DecodeAsync(stream, ct))
                if (!take(entry, index++)) break;
        }
        return true;
    }

    /// <summary>The log's chunks in order; from chunk <paramref name="fromSeq"/> on, the listing starts there (S3's start-after).</summary>
    private async Task<List<Chunk>> ChunksAsync(RepoRef repo, string run, int job, long? fromSeq, CancellationToken ct)
    {
        var prefix = StoreKeys.LogsPrefix(repo, run, job);
        var names = fromSeq is { } from
            ? Names(storage.ListAfterAsync(prefix, prefix + Math.Max(0, from).ToString("D10", CultureInfo.InvariantCulture), ct), prefix)
            : storage.ListChildrenAsync(prefix, ct);
        var chunks = new List<Chunk>();
        await foreach (var name in names)
            if (LogChunkName.Parse(name) is { } parsed && parsed.Seq >= (fromSeq ?? 0)) chunks.Add(new Chunk(name, parsed.Seq, parsed.Lines));
        chunks.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return chunks;
    }

    private static async IAsyncEnumerable<string> Names(IAsyncEnumerable<string> keys, string prefix)
    {
        await foreach (var key in keys)
            if (key.Length > prefix.Length && key.IndexOf('/', prefix.Length) < 0) yield return key[prefix.Length..];
    }
}
