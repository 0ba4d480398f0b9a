namespace Dstack.Core.Runner;

/// <summary>How a job's commands run: a host shell, or (later) a container.</summary>
public interface IJobExecutor
{
    /// <summary>Starts the job; every byte it prints (stdout and stderr, interleaved) goes to <paramref name="output"/>.</summary>
    IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output);
}

/// <summary>What to start: a bash script, where, with which environment, and the cgroup files its processes join.</summary>
public sealed record JobLaunch(string ScriptPath, string WorkingDir, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string>? CgroupProcs = null, ContainerSpec? Container = null);

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
    /// <summary>
    /// SIGTERM to the group. From then on <see cref="Completion"/> also waits for whatever the job started, however long
    /// it takes (it may outlive the job's shell): the caller gives the grace period and ends it with <see cref="Kill"/>.
    /// </summary>
    void Terminate();
    /// <summary>SIGKILL to the group; idempotent.</summary>
    void Kill();
}
