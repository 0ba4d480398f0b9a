using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// Where a job's runner starts. Implementations: this machine; later SSH hosts, Slurm.
/// - <see cref="StartRunnerAsync"/> returns as soon as the runner is launched; it never waits for the job.
/// - <see cref="IsRunnerAliveAsync"/> returns null when it cannot tell (the caller then relies on the heartbeat).
/// - <see cref="KillRunnerAsync"/> is idempotent and returns silently when the runner is already gone.
/// </summary>
public interface ICompute
{
    string Name { get; }
    Task<LaunchInfo> StartRunnerAsync(RunnerTarget target, CancellationToken ct);
    Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct);
    Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct);

    /// <summary>The most any one job can get here, checked before submitting.</summary>
    Task<ComputeCapacity> GetCapacityAsync(CancellationToken ct);
}

/// <summary>The job a runner is started for, and the store it reads it from.</summary>
public sealed record RunnerTarget(string DstackHome, RepoRef Repo, string RunName, int JobIndex);
