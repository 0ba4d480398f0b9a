using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// The host a runner runs on, as the runner sees it: the address its jobs' ports listen on, and the turn a job waits
/// for before it gets its CPUs, memory and GPUs. Each compute brings its own: this machine's is <c>LocalJobHost</c> (a
/// ledger shared by the machine's runners); a Slurm allocation's would grant at once what Slurm already queued for.
/// </summary>
public interface IJobHost
{
    /// <summary>What a job sees as <c>HOSTNAME</c>: where its ports listen.</summary>
    string Hostname { get; }

    /// <summary>
    /// The address the other nodes of a multi-node run reach this one at (<c>DSTACK_NODES_IPS</c>, <c>MASTER_ADDR</c>):
    /// the <see cref="Hostname"/> unless the compute knows better (an SSH host named by an alias only this machine resolves).
    /// </summary>
    string NodeAddress => Hostname;

    /// <summary>How messages name this host, e.g. "this machine".</summary>
    string Description { get; }

    /// <summary>
    /// The interpreter for <c>python: 3.X</c> (newest patch) or <c>3.X.Y</c> here; null when none, with the versions there are
    /// (<see cref="SubmitCheck.DescribePythons"/>).
    /// </summary>
    (string? Path, string Installed) FindPython(string version);

    /// <summary>
    /// <paramref name="count"/> ports free on this host now, for the job to listen on. Asked only once the job's turn
    /// has come, so a queued job holds none; the job binds them, so another process may take one in between.
    /// </summary>
    IReadOnlyList<int> AllocatePorts(int count);

    /// <summary>
    /// Takes the job's place in the queue now, while it still prepares, so that its turn follows its submission order.
    /// Disposing the turn gives back whatever it holds; it is safe to dispose more than once.
    /// </summary>
    Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct);
}

/// <summary>A job's place in its host's queue, then what it holds.</summary>
public interface IJobTurn : IDisposable
{
    /// <summary>
    /// Waits until the request fits and it is this job's turn, telling <paramref name="waiting"/> why whenever that changes.
    /// Null when <paramref name="cancelled"/> said to give up (a stop while pending).
    /// </summary>
    Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct);
}

/// <summary>
/// What a job got: the GPUs it may see (null when the host has none, empty when it asked for none). A container is given
/// <paramref name="DeviceGpus"/> when set (the host's own GPU numbers, where <paramref name="VisibleGpus"/> is numbered
/// within an allocation, as Slurm's cgroups do) and is pinned to <paramref name="CpuSet"/> when set ("0-3,8").
/// </summary>
public sealed record JobGrant(IReadOnlyList<int>? VisibleGpus, IReadOnlyList<int>? DeviceGpus = null, string? CpuSet = null);
