using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>
/// How a job's commands run: a host shell, or a container. The executor owns what differs between them (the base
/// environment, requirements, limits, the container and its mounts), so the runner never asks which one it has.
/// </summary>
public interface IJobExecutor
{
    /// <summary>How this executor will run <paramref name="spec"/>; asked before the job waits for its resources.</summary>
    Task<JobPlan> PlanAsync(JobSpec spec, CancellationToken ct);

    /// <summary>Starts the job; every byte it prints (stdout and stderr, interleaved) goes to <paramref name="output"/>.</summary>
    IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output);
}

/// <summary>
/// What an executor will do with a job: the environment its commands start from (below dstack's variables), the
/// commands its script runs, whether the runner gives it a virtualenv for <c>python</c> and <c>requirements</c> (on
/// the host) or the executor sees to them itself (a container's image), and what of the request it cannot honour.
/// </summary>
public sealed record JobPlan(IReadOnlyDictionary<string, string> BaseEnvironment, IReadOnlyList<string> Commands, bool NeedsHostPython, IReadOnlyList<string> Notes);

/// <summary>What to start: a bash script, where, with which environment, for which job, with what it was granted.</summary>
public sealed record JobLaunch(string ScriptPath, string WorkingDir, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The job; null in tests of a bare script (nothing limited, no container).</summary>
    public JobSpec? Spec { get; init; }
    /// <summary>Names the job on its host (<see cref="JobKey"/>): its cgroups, its container and its labels.</summary>
    public string Key { get; init; } = "";
    public RepoRef? Repo { get; init; }
    public string RunName { get; init; } = "";
    /// <summary>The job's working copy (the repository root): a container mounts it.</summary>
    public string Root { get; init; } = "";
    /// <summary>Where the job's artifacts are written: a container mounts those outside the working copy.</summary>
    public IReadOnlyList<string> OutputFolders { get; init; } = [];
    /// <summary>The GPUs the job was granted, as the host numbers them; null when the host has none.</summary>
    public IReadOnlyList<int>? Gpus { get; init; }
    /// <summary>The CPUs a container is pinned to ("0-3,8"); null: not pinned.</summary>
    public string? CpuSet { get; init; }
    public IReadOnlyList<int> Ports { get; init; } = [];
}

/// <summary>A started job. Signals go to its whole process group.</summary>
public interface IRunningJob
{
    int Pid { get; }
    long StartTicks { get; }
    /// <summary>
    /// Completes once the job's own commands run: at once for a host process; for a container, once Docker has started
    /// it (after creating it, which may take a while). Never faults; completes with <see cref="Completion"/> at the latest.
    /// </summary>
    Task Started { get; }
    /// <summary>The exit code, once the job has exited and its output is drained (128+N when killed by signal N).</summary>
    Task<int> Completion { get; }
    /// <summary>What the user should know about how it runs (e.g. limits that could not be enforced); null for nothing.</summary>
    string? Note { get; }
    /// <summary>Whether it was ended for exceeding its memory limit; read once <see cref="Completion"/> is done.</summary>
    bool OutOfMemory { get; }
    /// <summary>
    /// SIGTERM to the group. From then on <see cref="Completion"/> also waits for whatever the job started, however long
    /// it takes (it may outlive the job's shell): the caller gives the grace period and ends it with <see cref="Kill"/>.
    /// </summary>
    void Terminate();
    /// <summary>SIGKILL to the group; idempotent.</summary>
    void Kill();
}
