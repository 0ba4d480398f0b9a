using System.Globalization;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// The user's Slurm jobs as one <c>squeue</c> answer, shared by every question asked while it is fresh: <c>ps</c> over many
/// runs asks Slurm once, not once per run. Questions asked together (readers ask in parallel) wait for the same call; a
/// question about a job launched after an answer was asked for gets a new one, so a job is never missed for being new.
/// <c>-t all</c> keeps ended jobs (for Slurm's MinJobAge), so a job that ended says how. Only options Slurm 20.11 has.
/// </summary>
public sealed class SlurmQueue(ISlurmShell shell, TimeProvider time)
{
    /// <summary>
    /// How long an answer serves from when it arrived: readers that poll (stop, logs) see changes within this. Counted from
    /// the answer, not the question: a slow squeue on a busy login node must not make a listing of many runs ask again.
    /// </summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    public const string Script = "squeue -h -u \"$(id -un)\" -t all -o '%i|%T|%r|%N'";

    private readonly Lock _lock = new();
    private Task<IReadOnlyDictionary<long, SlurmQueueEntry>?>? _answer;
    private DateTimeOffset _askedAt;
    private DateTimeOffset _answeredAt;
    private int _holds;

    /// <summary>How many times Slurm was asked (tests and the benchmark count them).</summary>
    public int Calls { get; private set; }

    /// <summary>The user's jobs by id, as seen after <paramref name="notBefore"/>; null when Slurm does not answer.</summary>
    public Task<IReadOnlyDictionary<long, SlurmQueueEntry>?> ReadAsync(DateTimeOffset notBefore, CancellationToken ct)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_answer is not null && _askedAt >= notBefore && (!_answer.IsCompleted || _holds > 0 || now - _answeredAt < Fresh)) return _answer;
            _askedAt = now;
            Calls++;
            return _answer = AskAsync(ct);
        }
    }

    /// <summary>
    /// For a listing's pass: asks now (unless an answer is fresh or coming) and, until disposed, serves that answer however
    /// old it gets, to every question about a job launched before it was asked (a newer job still asks again).
    /// </summary>
    public IDisposable Hold()
    {
        lock (_lock) _holds++;
        _ = ReadAsync(time.GetUtcNow() - Fresh, CancellationToken.None);
        return new Release(this);
    }

    private sealed class Release(SlurmQueue queue) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) lock (queue._lock) queue._holds--;
        }
    }

    /// <summary>Forgets the last answer (after a submit or a cancel, the next question asks again).</summary>
    public void Invalidate()
    {
        lock (_lock) _answer = null;
    }

    private async Task<IReadOnlyDictionary<long, SlurmQueueEntry>?> AskAsync(CancellationToken ct)
    {
        ShellResult result;
        try { result = await shell.RunAsync(Script, null, ct); }
        catch (SlurmException) { return null; }
        finally { lock (_lock) _answeredAt = time.GetUtcNow(); }
        return result.ExitCode == 0 ? Parse(result.StdOut) : null;
    }

    /// <summary>Lines <c>ID|STATE|REASON|NODES</c>; array and het job ids (<c>12_3</c>, <c>12+1</c>) are not ours and are skipped.</summary>
    public static IReadOnlyDictionary<long, SlurmQueueEntry> Parse(string output)
    {
        var jobs = new Dictionary<long, SlurmQueueEntry>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            if (f.Length < 4 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) continue;
            jobs[id] = new SlurmQueueEntry(f[1], f[2], f[3] is "" or "(null)" ? null : f[3]);
        }
        return jobs;
    }
}
