using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Logs;

/// <summary>
/// Batches a job's output into numbered chunks in the store: one object per flush, never rewritten,
/// so a reader can follow it on any store. Secrets are masked before anything is stored.
/// While the store cannot be reached, output is kept here (spooled) and goes out in order once it can: a chunk that
/// failed is sent again as it was, under the same number (a retry of a write that did land changes nothing), and what
/// came meanwhile follows in later chunks. Nothing is dropped while the process lives.
/// Thread-safe; <see cref="FlushAsync"/> is called on a timer and at the end.
/// </summary>
public sealed class LogWriter(IStorage storage, RepoRef repo, string run, int job, TimeProvider time, SecretMasker? masker = null)
{
    /// <summary>A chunk holds at most about this much text, so what piled up in an outage goes out in readable pieces.</summary>
    private const int ChunkChars = 1 << 20;

    private readonly SecretMasker _masker = masker ?? SecretMasker.None;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly List<LogEntry> _pending = [];
    private readonly List<byte> _partial = [];
    private DateTimeOffset _partialAt;
    private (long Seq, byte[] Data)? _unsent;
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

    /// <summary>
    /// Writes whatever is pending, as chunks in order; a partial line is flushed too when <paramref name="final"/> or it
    /// waited long enough. A store failure is thrown, and everything not yet written stays for the next call.
    /// </summary>
    public async Task FlushAsync(bool final, CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            // A backlog goes out a few chunks per call, so that the caller's other duties (stop requests) wait little.
            for (var budget = final ? int.MaxValue : 8; budget > 0 && NextChunk(final) is { } chunk; budget--)
            {
                await storage.PutAsync(StoreKeys.LogChunk(repo, run, job, chunk.Seq), chunk.Data, ct);
                lock (_gate) _unsent = null;
            }
        }
        finally { _flushing.Release(); }
    }

    /// <summary>A line from dstack itself (not the job), e.g. a failure reason.</summary>
    public void AppendLine(string text) => Append(Encoding.UTF8.GetBytes(text + "\n"));

    /// <summary>The chunk that failed last time, else a new one from what is pending; null when nothing is.</summary>
    private (long Seq, byte[] Data)? NextChunk(bool final)
    {
        lock (_gate)
        {
            if (_unsent is { } again) return again;
            if (_partial.Count > 0 && (final || time.GetUtcNow() - _partialAt > TimeSpan.FromMilliseconds(500)))
                TakeLine(endsLine: false, final);
            if (_pending.Count == 0) return null;
            var count = 0;
            for (var chars = 0; count < _pending.Count && (count == 0 || chars + _pending[count].Text.Length <= ChunkChars); count++)
                chars += _pending[count].Text.Length;
            _unsent = (++_seq, LogChunkFormat.Encode(_pending.Take(count)));
            _pending.RemoveRange(0, count);
            return _unsent;
        }
    }

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
