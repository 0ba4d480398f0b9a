using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// Where a job's runner starts: this machine today; SSH hosts and Slurm are further implementations of the same contract
/// (<c>ComputeConformanceTests</c> holds every one to it).
/// - <see cref="GetCapabilitiesAsync"/> and <see cref="CheckAsync"/> answer before anything is stored; a refusal says what to change.
/// - <see cref="StartRunnerAsync"/> returns as soon as the runner is launched, never waiting for the job. The launch's
///   <see cref="LaunchInfo.Handle"/> is this compute's own (a pid and start time; a host and pid; a Slurm job id): only
///   the compute named in <see cref="LaunchInfo.Compute"/> reads it, and it must accept any string without throwing.
/// - <see cref="IsRunnerAliveAsync"/> returns null when it cannot tell (another host, a handle it cannot read): the
///   caller then goes by the heartbeat. It never waits long: readers poll it. <see cref="CheckRunnerAsync"/> adds why it
///   cannot tell, where the compute knows.
/// - <see cref="KillRunnerAsync"/> and <see cref="CleanUpLostAsync"/> are idempotent and return silently when there is nothing left.
/// </summary>
public interface ICompute
{
    /// <summary>The name stored with each launch, by which the launch is taken back to this compute.</summary>
    string Name { get; }

    /// <summary>How its jobs' ports are reached (also in the capabilities); cheap, for whoever prints a URL.</summary>
    PortAccess Ports { get; }

    /// <summary>What this compute offers (hosts and their capacity, Docker, Pythons, ports); may be cached by the instance.</summary>
    Task<ComputeCapabilities> GetCapabilitiesAsync(CancellationToken ct);

    /// <summary>Null when <paramref name="job"/> can run here (an image it needs is made ready); otherwise why it never can.</summary>
    Task<SubmitRefusal?> CheckAsync(JobSpec job, CancellationToken ct);

    Task<LaunchInfo> StartRunnerAsync(RunnerTarget target, CancellationToken ct);
    Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct);

    /// <summary>
    /// <see cref="IsRunnerAliveAsync"/>, saying why it cannot tell when it knows (the runner's host does not answer):
    /// readers give that reason when the heartbeat is stale. Polled like it, so it never waits long either.
    /// </summary>
    async Task<RunnerCheck> CheckRunnerAsync(LaunchInfo launch, CancellationToken ct) => new(await IsRunnerAliveAsync(launch, ct));
    Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct);

    /// <summary>
    /// After the runner was found gone: ends what it left of job <paramref name="jobKey"/> (the processes named by its
    /// last <paramref name="beat"/>, the job's containers). Never fails for what is already gone.
    /// </summary>
    Task CleanUpLostAsync(LaunchInfo launch, Heartbeat? beat, string jobKey, CancellationToken ct);
}

/// <summary>
/// The job a runner is started for, and the store it reads it from; what the job needs (<paramref name="Resources"/>, an
/// <paramref name="Image"/>'s Docker, <paramref name="Python"/>) chooses a host where there are several. A multi-node
/// run's jobs come in rank order, <paramref name="Nodes"/> of them, each to be placed on a host of its own.
/// </summary>
public sealed record RunnerTarget(string DstackHome, RepoRef Repo, string RunName, int JobIndex, JobResources? Resources = null,
    string? Image = null, string? Python = null, int Nodes = 1);
