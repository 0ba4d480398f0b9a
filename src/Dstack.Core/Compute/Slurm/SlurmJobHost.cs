using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// The runner's side inside a Slurm allocation: Slurm already queued the job and gave it its CPUs, memory and GPUs, so
/// the turn is granted at once with the GPUs Slurm set in <c>CUDA_VISIBLE_DEVICES</c> (none when it set none): no
/// second scheduler. Ports and Pythons are the node's own (<paramref name="inner"/>). A container is outside Slurm's
/// cgroups (Docker's daemon starts it), so it is given the allocation explicitly: the node's own numbers of its GPUs
/// (<c>SLURM_JOB_GPUS</c>, <paramref name="jobGpus"/>; <c>CUDA_VISIBLE_DEVICES</c> counts from 0 within the allocation when
/// Slurm constrains devices) and the CPUs Slurm bound the runner to (<paramref name="cpuSet"/>). The other nodes of a
/// multi-node run reach this one at <paramref name="address"/> (<see cref="AddressOf"/>), else at its name.
/// </summary>
public sealed class SlurmJobHost(IJobHost inner, string node, string? slurmGpus, string? jobGpus = null, string? cpuSet = null,
    string? address = null) : IJobHost
{
    public string Hostname => node;
    public string NodeAddress => address ?? node;
    public string Description => $"Slurm node {node}";
    public IReadOnlyList<int> AllocatePorts(int count) => inner.AllocatePorts(count);
    public (string? Path, string Installed) FindPython(string version) => inner.FindPython(version);

    public Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct) =>
        Task.FromResult<IJobTurn>(new Granted(Grant(slurmGpus, jobGpus, cpuSet)));

    /// <summary>What Slurm gave: the visible GPUs, their node numbers when Slurm says them for as many GPUs, the CPU set.</summary>
    public static JobGrant Grant(string? slurmGpus, string? jobGpus, string? cpuSet)
    {
        var visible = Gpus(slurmGpus);
        var devices = Gpus(jobGpus);
        return new JobGrant(visible, devices.Count == visible.Count && devices.Count > 0 ? devices : null,
            string.IsNullOrWhiteSpace(cpuSet) ? null : cpuSet.Trim());
    }

    /// <summary>
    /// The IPv4 address the node's name resolves to (the name the other nodes and Slurm itself reach it by; /etc/hosts or
    /// DNS): a non-loopback one first; a loopback one only for a node that is not this machine's own name (several slurmds
    /// on one machine, all 127.0.0.1), since a machine's own name often maps to 127.0.1.1 there only. Null: the name is kept.
    /// </summary>
    public static string? AddressOf(string node, string machineName, Func<string, System.Net.IPAddress[]> resolve)
    {
        System.Net.IPAddress[] all;
        try { all = resolve(node); }
        catch (System.Net.Sockets.SocketException) { return null; }
        var v4 = all.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        var chosen = v4.FirstOrDefault(a => !System.Net.IPAddress.IsLoopback(a))
            ?? (string.Equals(node, machineName, StringComparison.OrdinalIgnoreCase) ? null : v4.FirstOrDefault());
        return chosen?.ToString();
    }

    /// <summary>"0-1,4": the <c>Cpus_allowed_list</c> line of <c>/proc/self/status</c> (the CPUs Slurm bound this process to); null without one.</summary>
    public static string? AllowedCpus(string procStatus) =>
        procStatus.Split('\n').FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) is { } line
            ? line["Cpus_allowed_list:".Length..].Trim() is { Length: > 0 } list ? list : null
            : null;

    /// <summary>Slurm's <c>CUDA_VISIBLE_DEVICES</c> ("0,1"): the indexes; anything else (unset, "NoDevFiles") is none.</summary>
    public static IReadOnlyList<int> Gpus(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, out var i) && i >= 0 ? i : -1).Where(i => i >= 0).ToList();

    private sealed class Granted(JobGrant grant) : IJobTurn
    {
        public Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct) => Task.FromResult<JobGrant?>(grant);
        public void Dispose() { }
    }
}
