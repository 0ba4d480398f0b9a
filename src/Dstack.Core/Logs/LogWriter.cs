using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Logs;

/// <summary>
/// Batches a job's output into numbered chunks in the store: one object per flush, never rewritten,
/// so a reader can follow it on any store. Secrets are masked before anything is stored.
/// Thread-safe; <see cref="FlushAsync"/> is called on a timer and at the end.
/// </summary>
public sealed class LogWriter(IStorage storage, RepoRef repo, string run, int job, TimeProvider time, SecretMasker? masker = null)
{
    private readonly SecretMasker _masker = masker ?? SecretMasker.None;
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
                TakeLine(endsLine: false, final);
            if (_pending.Count == 0) return;
            batch = [.. _pending];
            _pending.Clear();
            seq = ++_seq;
        }
        await storage.PutAsync(StoreKeys.LogChunk(repo, run, job, seq), LogChunkFormat.Encode(batch), ct);
    }

    /// <summary>A line from dstack itself (not the job), e.g. a failure reason.</summary>
    public void AppendLine(string text) => Append(Encoding.UTF8.GetBytes(text + "\n"));

    private void TakeLine(bool endsLine, bool final = true)
    {
        var text = _masker.Apply(Encoding.UTF8.GetString(_partial.ToArray()));
        _partial.Clear();
        if (!endsLine && !final)
        {
            // Hold back what may be the start of a secret the next write completes.
            var pending = _masker.PendingSuffix(text);
            if (pending > 0)
            {
                _partial.AddRange(Encoding.UTF8.GetBytes(text[^pending..]));
                text = text[..^pending];
                if (text.Length == 0) return;
            }
        }
        _pending.Add(new LogEntry(_partialAt, endsLine ? text.TrimEnd('\r') : text, endsLine));
    }
}
