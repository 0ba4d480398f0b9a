using System.Text.Json;
using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Local;

/// <summary>
/// Shares this machine between runners: a ledger file (guarded by a lock file) lists who holds and who waits
/// for CPUs, memory and GPUs. Waiting jobs start strictly in submission order as resources free up; GPUs are
/// handed out exclusively. Entries of runners that died are dropped, so a crash never leaks capacity.
/// </summary>
public sealed class LocalScheduler(string folder, ComputeCapacity capacity, TimeProvider time)
{
    /// <summary>How often a waiting runner looks again: short, so a freed slot is taken within tens of milliseconds.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Where this user's runners on this machine share the ledger unless <c>DSTACK_SCHEDULER_DIR</c> says otherwise: the temp
    /// folder, then the host name, so that machines sharing one <c>/tmp</c> (containers, namespaces) keep apart, their pids
    /// meaning nothing to each other. <c>Compute/Ssh/HostProbe</c>'s script finds the same folder on an SSH host.
    /// </summary>
    public static string DefaultFolder()
    {
        string host;
        try { host = File.ReadAllText("/proc/sys/kernel/hostname").Trim(); }
        catch (IOException) { host = Environment.MachineName; }
        catch (UnauthorizedAccessException) { host = Environment.MachineName; }
        return Path.Combine(Path.GetTempPath(), $"dstack-{Environment.UserName}", "scheduler", host.Length > 0 ? host : "localhost");
    }

    /// <summary>
    /// Waits until the request fits and it is this job's turn; returns the GPU indices granted, or null when
    /// <paramref name="cancelled"/> said to give up. <paramref name="waiting"/> is told why the job waits, whenever that changes.
    /// </summary>
    public async Task<IReadOnlyList<int>?> AcquireAsync(string key, DateTimeOffset submittedAt, JobResources request,
        Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct)
    {
        var me = Waiting(key, submittedAt, request);
        string? told = null;
        var lastCancelCheck = time.GetUtcNow();
        while (true)
        {
            var (granted, reason) = WithLedger<(IReadOnlyList<int>? Granted, string? Reason)>(entries =>
            {
                entries.RemoveAll(e => e.Key == key && !e.Running);
                entries.Add(me);
                var queue = entries.Where(e => !e.Running).OrderBy(e => e.SubmittedAt).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
                var ahead = queue.IndexOf(me);
                if (ahead > 0) return (null, $"queued behind {ahead} earlier run{(ahead == 1 ? "" : "s")}");
                var running = entries.Where(e => e.Running).ToList();
                var gpus = FreeGpus(request, running);
                var short_ = Shortfall(me, running, gpus.Count);
                if (short_ is not null) return (null, $"waiting for {short_}");
                entries.Remove(me);
                entries.Add(me with { Running = true, Assigned = gpus.Take(me.Gpus).ToList() });
                return (gpus.Take(me.Gpus).ToList(), null);
            });
            if (granted is not null) return granted;
            if (reason != told) await waiting(told = reason!);
            if (time.GetUtcNow() - lastCancelCheck > TimeSpan.FromMilliseconds(200))
            {
                lastCancelCheck = time.GetUtcNow();
                if (await cancelled()) { Release(key); return null; }
            }
            await Task.Delay(Poll, time, ct);
        }
    }

    /// <summary>Takes a place in the queue now (while the job still prepares), so that its turn follows its submission order.</summary>
    public void Enqueue(string key, DateTimeOffset submittedAt, JobResources request) => WithLedger(entries =>
    {
        entries.RemoveAll(e => e.Key == key && !e.Running);
        entries.Add(Waiting(key, submittedAt, request));
        return true;
    });

    private static LedgerEntry Waiting(string key, DateTimeOffset submittedAt, JobResources request) =>
        new(key, submittedAt, request.Cpu ?? 0, request.MemoryBytes ?? 0, request.GpuCount, request.GpuName, request.GpuMemoryBytes,
            Environment.ProcessId, PosixProcess.StartTicks(Environment.ProcessId) ?? 0, false, []);

    public void Release(string key) => WithLedger(entries => entries.RemoveAll(e => e.Key == key));

    private string? Shortfall(LedgerEntry me, List<LedgerEntry> running, int freeGpus)
    {
        var freeCpu = capacity.Cpus - running.Sum(e => e.Cpu);
        var freeMemory = capacity.MemoryBytes - running.Sum(e => e.Memory);
        if (me.Cpu > freeCpu) return $"{me.Cpu} CPU{(me.Cpu == 1 ? "" : "s")} ({Math.Max(freeCpu, 0)} free)";
        if (me.Memory > freeMemory) return $"{ResourceFit.Bytes(me.Memory)} of memory ({ResourceFit.Bytes(Math.Max(freeMemory, 0))} free)";
        if (me.Gpus > freeGpus) return $"{me.Gpus} GPU{(me.Gpus == 1 ? "" : "s")} ({freeGpus} free)";
        return null;
    }

    private List<int> FreeGpus(JobResources request, List<LedgerEntry> running)
    {
        var used = running.SelectMany(e => e.Assigned).ToHashSet();
        return ResourceFit.MatchingGpus(request, capacity.Gpus).Select(g => g.Index).Where(i => !used.Contains(i)).ToList();
    }

    /// <summary>Runs <paramref name="change"/> on the ledger under the lock, dropping entries of dead runners first.</summary>
    private T WithLedger<T>(Func<List<LedgerEntry>, T> change)
    {
        Directory.CreateDirectory(folder);
        using var gate = Lock();
        var path = Path.Combine(folder, "ledger.json");
        var before = File.Exists(path) ? File.ReadAllBytes(path) : [];
        var entries = before.Length > 0 ? Read(before) : [];
        entries.RemoveAll(e => !PosixProcess.IsAlive(e.Pid, e.StartTicks));
        var result = change(entries);
        var after = Write(entries);
        if (after.AsSpan().SequenceEqual(before)) return result; // waiting runners mostly just look
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, after);
        File.Move(temp, path, overwrite: true);
        return result;
    }

    private FileStream Lock()
    {
        // FileShare.None takes an exclusive advisory lock; another holder makes the open fail at once.
        var path = Path.Combine(folder, "ledger.lock");
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 5000) { Thread.Sleep(1); }
        }
    }

    /// <summary>The ledger file's entries as written, dead runners' too (an SSH host's probe reads them: <c>Compute/Ssh/HostLoad</c>).</summary>
    public static List<LedgerEntry> Read(byte[] data)
    {
        using var doc = JsonDocument.Parse(data);
        var list = new List<LedgerEntry>();
        foreach (var e in doc.RootElement.EnumerateArray())
            list.Add(new LedgerEntry(e.Str("key") ?? "", e.Time("submitted_at"), e.Int("cpu"), e.Long("memory"), e.Int("gpus"), e.Str("gpu_name"),
                e.LongOrNull("gpu_memory"), e.Int("pid"), e.Long("start_ticks"), e.Bool("running"), e.Ints("assigned")));
        return list;
    }

    private static byte[] Write(List<LedgerEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("key", e.Key);
                w.WriteString("submitted_at", e.SubmittedAt);
                w.WriteNumber("cpu", e.Cpu);
                w.WriteNumber("memory", e.Memory);
                w.WriteNumber("gpus", e.Gpus);
                if (e.GpuName is { } name) w.WriteString("gpu_name", name);
                if (e.GpuMemory is { } mem) w.WriteNumber("gpu_memory", mem);
                w.WriteNumber("pid", e.Pid);
                w.WriteNumber("start_ticks", e.StartTicks);
                w.WriteBoolean("running", e.Running);
                w.WriteInts("assigned", e.Assigned);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return buffer.ToArray();
    }
}
