using System.Buffers;
using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace Dstack.Core.Logs;

/// <summary>
/// Batches a job's output into numbered chunks in the store: one object per flush, never rewritten,
/// so a reader can follow it on any store. Secrets are masked before anything is stored.
/// While the store cannot be reached, output is kept here and goes out in order once it can: a chunk that
/// failed is sent again as it was, under the same name (a retry of a write that did land changes nothing), and what
/// came meanwhile follows in later chunks of at most <see cref="ChunkBytes"/>. Nothing is dropped while the process
/// lives. Memory stays bounded whatever the job prints: beyond <see cref="MemoryChunks"/> chunks waiting, chunks wait in
/// the spool file (when one is given) rather than in memory.
/// Thread-safe; <see cref="FlushAsync"/> is called on a timer and at the end.
/// </summary>
public sealed class LogWriter(IStorage storage, RepoRef repo, string run, int job, TimeProvider time,
    SecretMasker? masker = null, string? spoolPath = null, long firstSeq = 0) : IDisposable
{
    /// <summary>A chunk holds at most about this much, so what piled up goes out in readable pieces.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>How many cut chunks wait in memory; the rest wait in the spool file.</summary>
    public const int MemoryChunks = 4;

    private readonly SecretMasker _masker = masker ?? SecretMasker.None;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly LogChunkBuilder _current = new();
    private readonly Queue<Waiting> _waiting = new();
    private readonly ArrayBufferWriter<byte> _partial = new();
    private DateTimeOffset _partialAt;
    private SafeFileHandle? _spool;
    private long _spoolEnd;
    private int _inMemory;
    private long _seq = firstSeq;

    /// <summary>A cut chunk not yet stored: its bytes in memory, or where they are in the spool file.</summary>
    private sealed record Waiting(LogChunkName Name, byte[]? Data, long SpoolOffset, int Length);

    /// <summary>How many chunks wait in the spool file now (for tests and diagnostics).</summary>
    public int Spooled { get { lock (_gate) return _waiting.Count(w => w.Data is null); } }

    /// <summary>Raw output bytes from the job, in order.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            while (!data.IsEmpty)
            {
                if (_partial.WrittenCount == 0) _partialAt = time.GetUtcNow();
                // No line holds memory forever: past half a chunk, a line's start is taken as it is (a partial entry).
                var room = Math.Max(1, ChunkBytes / 2 - _partial.WrittenCount);
                var newline = data[..Math.Min(data.Length, room)].IndexOf((byte)'\n');
                var piece = newline >= 0 ? data[..newline] : data[..Math.Min(data.Length, room)];
                _partial.Write(piece);
                data = data[(piece.Length + (newline >= 0 ? 1 : 0))..];
                if (newline >= 0) TakeLine(endsLine: true);
                else if (_partial.WrittenCount >= ChunkBytes / 2) TakeLine(endsLine: false, final: false);
            }
        }
    }

    /// <summary>A line from dstack itself (not the job), e.g. a failure reason.</summary>
    public void AppendLine(string text) => Append(Encoding.UTF8.GetBytes(text + "\n"));

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
            for (var budget = final ? int.MaxValue : 8; budget > 0 && Next(final) is { } next; budget--)
            {
                var data = next.Data ?? ReadSpooled(next);
                await storage.PutAsync(StoreKeys.LogChunk(repo, run, job, next.Name.ToString()), data, ct);
                lock (_gate)
                {
                    _waiting.Dequeue();
                    if (next.Data is not null) _inMemory--;
                    if (!_waiting.Any(w => w.Data is null)) _spoolEnd = 0; // the spool is empty: start it over
                }
            }
        }
        finally { _flushing.Release(); }
    }

    /// <summary>The oldest chunk waiting (it failed before: the same again), else one cut from what is pending; null when nothing is.</summary>
    private Waiting? Next(bool final)
    {
        lock (_gate)
        {
            if (_partial.WrittenCount > 0 && (final || time.GetUtcNow() - _partialAt > TimeSpan.FromMilliseconds(500)))
                TakeLine(endsLine: false, final);
            if (_waiting.Count == 0) Cut();
            return _waiting.Count > 0 ? _waiting.Peek() : null;
        }
    }

    /// <summary>Makes a chunk of what is pending; past the memory window it goes to the spool file.</summary>
    private void Cut()
    {
        if (_current.IsEmpty) return;
        var (name, data) = _current.Seal(++_seq);
        if (_inMemory >= MemoryChunks && OpenSpool() is { } spool)
        {
            try
            {
                RandomAccess.Write(spool, data, _spoolEnd);
                _waiting.Enqueue(new Waiting(name, null, _spoolEnd, data.Length));
                _spoolEnd += data.Length;
                return;
            }
            catch (IOException) { } // a full disk: memory it is, as before there was a spool
        }
        _waiting.Enqueue(new Waiting(name, data, 0, data.Length));
        _inMemory++;
    }

    /// <summary>The spool file, opened on first need; null when there is none (a failing helper never fails the job: memory it is).</summary>
    private SafeFileHandle? OpenSpool()
    {
        if (_spool is not null || spoolPath is null) return _spool;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(spoolPath))!);
            _spool = File.OpenHandle(spoolPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { spoolPath = null; }
        return _spool;
    }

    private byte[] ReadSpooled(Waiting chunk)
    {
        var data = new byte[chunk.Length];
        var read = 0;
        while (read < data.Length) read += RandomAccess.Read(_spool!, data.AsSpan(read), chunk.SpoolOffset + read);
        return data;
    }

    private void TakeLine(bool endsLine, bool final = true)
    {
        // A line's start taken early keeps back a character cut in two, for the next write to complete.
        var bytes = _partial.WrittenSpan;
        var cut = endsLine || final ? 0 : IncompleteUtf8Tail(bytes);
        var text = _masker.Apply(Encoding.UTF8.GetString(bytes[..^cut]));
        var carried = bytes[^cut..].ToArray();
        _partial.ResetWrittenCount();
        if (!endsLine && !final)
        {
            // Hold back what may be the start of a secret the next write completes.
            var pending = _masker.PendingSuffix(text);
            if (pending > 0)
            {
                _partial.Write(Encoding.UTF8.GetBytes(text[^pending..]));
                text = text[..^pending];
            }
        }
        _partial.Write(carried);
        if (text.Length == 0 && !endsLine) return;
        _current.Add(new LogEntry(_partialAt, endsLine ? text.TrimEnd('\r') : text, endsLine));
        if (_current.Length >= ChunkBytes) Cut();
    }

    /// <summary>How many bytes at the end begin a UTF-8 character that is not complete yet (0 to 3).</summary>
    private static int IncompleteUtf8Tail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back
            var length = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return length > back ? back : 0;
        }
        return 0;
    }

    /// <summary>Closes (and so deletes) the spool file; what is still in it is lost with the process anyway.</summary>
    public void Dispose()
    {
        lock (_gate) _spool?.Dispose();
    }
}
