using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Logs;

/// <summary>
/// Batches a job's output into numbered chunks in the store: one object per flush, never rewritten,
/// so a reader can follow it on any store. Thread-safe; <see cref="FlushAsync"/> is called on a timer and at the end.
/// </summary>
public sealed class LogWriter(IStorage storage, RepoRef repo, string run, int job, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly List<LogEntry> _pending = [];
    private readonly List<byte> _partial = [];
    private DateTimeOffset _partialAt;
    private long _seq;

    /// <summary>Raw output bytes from the job, in order.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            foreach (var b in data)
            {
                if (_partial.Count == 0) _partialAt = time.GetUtcNow();
                if (b == (byte)'\n') TakeLine(endsLine: true);
                else _partial.Add(b);
            }
        }
    }

    /// <summary>Writes whatever is pending as the next chunk; a partial line is flushed too when <paramref name="final"/> or it waited long enough.</summary>
    public async Task FlushAsync(bool final, CancellationToken ct)
    {
        List<LogEntry> batch;
        long seq;
        lock (_gate)
        {
            if (_partial.Count > 0 && (final || time.GetUtcNow() - _partialAt > TimeSpan.FromMilliseconds(500)))
                TakeLine(endsLine: false);
            if (_pending.Count == 0) return;
            batch = [.. _pending];
            _pending.Clear();
            seq = ++_seq;
        }
        await storage.PutAsync(StoreKeys.LogChunk(repo, run, job, seq), LogChunkFormat.Encode(batch), ct);
    }

    /// <summary>A line from dstack itself (not the job), e.g. a failure reason.</summary>
    public void AppendLine(string text) => Append(Encoding.UTF8.GetBytes(text + "\n"));

    private void TakeLine(bool endsLine)
    {
        var text = Encoding.UTF8.GetString(_partial.ToArray()).TrimEnd('\r');
        _pending.Add(new LogEntry(_partialAt, text, endsLine));
        _partial.Clear();
    }
}
