using Dstack.Core.Local;
using Dstack.Core.Models;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// What a host's runners hold and wait for now, from its runner ledger (<see cref="LocalScheduler"/>) as the probe read it:
/// CPUs, memory and GPUs of running jobs, and how many jobs wait in its queue.
/// </summary>
public sealed record HostLoad(int Cpus, long MemoryBytes, IReadOnlyList<int> Gpus, int Waiting)
{
    public static readonly HostLoad Idle = new(0, 0, [], 0);

    /// <summary>The load of the ledger's entries whose runner is alive (pid and start ticks in <paramref name="alive"/>).</summary>
    public static HostLoad From(IEnumerable<LedgerEntry> entries, IReadOnlySet<(int Pid, long StartTicks)> alive)
    {
        var live = entries.Where(e => alive.Contains((e.Pid, e.StartTicks))).ToList();
        var running = live.Where(e => e.Running).ToList();
        return new HostLoad(running.Sum(e => e.Cpu), running.Sum(e => e.Memory), running.SelectMany(e => e.Assigned).Distinct().Order().ToList(),
            live.Count(e => !e.Running));
    }

    /// <summary>
    /// Whether <paramref name="request"/> would start at once on a host of <paramref name="capacity"/>: it asks for nothing
    /// (such a job never queues), or nobody waits ahead of it and what it asks for is free.
    /// </summary>
    public bool FitsNow(JobResources? request, ComputeCapacity capacity)
    {
        if (request is null or { Cpu: null, MemoryBytes: null, GpuCount: 0 }) return true;
        if (Waiting > 0) return false;
        if ((request.Cpu ?? 0) > capacity.Cpus - Cpus) return false;
        if ((request.MemoryBytes ?? 0) > capacity.MemoryBytes - MemoryBytes) return false;
        return ResourceFit.MatchingGpus(request, capacity.Gpus).Count(g => !Gpus.Contains(g.Index)) >= request.GpuCount;
    }
}
