using Dstack.Cli;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Dashboard;

/// <summary>
/// Reads a window of a job's log from the store: the last chunks, the chunks after one, or the chunks before one, each
/// window holding about <see cref="Lines"/> lines (from the chunks' names; a chunk without a line count counts as
/// <see cref="UnknownChunkLines"/>). Only the listing of chunk names is whole; a log is never read whole.
/// </summary>
public sealed class LogWindow(IStorage storage)
{
    public const int Lines = 1000;
    public const int UnknownChunkLines = 100;

    public async Task<LogWindowResponse> TailAsync(RepoRef repo, string run, int job, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, ct);
        var start = StartBefore(chunks, chunks.Count);
        return await ReadAsync(repo, run, job, chunks, start, chunks.Count, ct);
    }

    public async Task<LogWindowResponse> AfterAsync(RepoRef repo, string run, int job, long after, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, ct);
        var start = chunks.FindIndex(c => c.Seq > after);
        if (start < 0) return new LogWindowResponse([], -1, -1, Older: chunks.Count > 0, More: false);
        var end = start;
        var lines = 0;
        while (end < chunks.Count && lines < Lines) lines += LinesOf(chunks[end++]);
        return await ReadAsync(repo, run, job, chunks, start, end, ct);
    }

    public async Task<LogWindowResponse> BeforeAsync(RepoRef repo, string run, int job, long before, CancellationToken ct)
    {
        var chunks = await ChunksAsync(repo, run, job, ct);
        var end = chunks.FindIndex(c => c.Seq >= before);
        if (end < 0) end = chunks.Count;
        return await ReadAsync(repo, run, job, chunks, StartBefore(chunks, end), end, ct);
    }

    private static int StartBefore(List<(string Name, long Seq, int? Lines)> chunks, int end)
    {
        var start = end;
        var lines = 0;
        while (start > 0 && lines < Lines) lines += LinesOf(chunks[--start]);
        return start;
    }

    private static int LinesOf((string Name, long Seq, int? Lines) chunk) => Math.Max(1, chunk.Lines ?? UnknownChunkLines);

    private async Task<LogWindowResponse> ReadAsync(RepoRef repo, string run, int job, List<(string Name, long Seq, int? Lines)> chunks,
        int start, int end, CancellationToken ct)
    {
        if (start >= end) return new LogWindowResponse([], -1, -1, Older: start > 0, More: end < chunks.Count);
        var pieces = new List<LogPiece>();
        for (var i = start; i < end; i++)
        {
            if (await storage.OpenReadAsync(StoreKeys.LogChunk(repo, run, job, chunks[i].Name), ct) is not { } stream)
            {
                end = i; // removed meanwhile (rm): what was read stands
                break;
            }
            await using (stream)
                await foreach (var entry in LogChunkFormat.DecodeAsync(stream, ct))
                    pieces.Add(new LogPiece(AnsiHtml.Convert(entry.Text), entry.EndsLine));
        }
        return end == start
            ? new LogWindowResponse([], -1, -1, start > 0, false)
            : new LogWindowResponse(pieces, chunks[start].Seq, chunks[end - 1].Seq, Older: start > 0, More: end < chunks.Count);
    }

    private async Task<List<(string Name, long Seq, int? Lines)>> ChunksAsync(RepoRef repo, string run, int job, CancellationToken ct)
    {
        var chunks = new List<(string Name, long Seq, int? Lines)>();
        await foreach (var name in storage.ListChildrenAsync(StoreKeys.LogsPrefix(repo, run, job), ct))
            if (LogChunkName.Parse(name) is { } parsed) chunks.Add((name, parsed.Seq, parsed.Lines));
        chunks.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return chunks;
    }
}
