namespace Dstack.Core.Models;

/// <summary>Written by the CLI to ask the runner to stop (graceful) or abort (at once). The runner watches it.</summary>
public sealed record StopRequest(bool Abort, DateTimeOffset RequestedAt);

/// <summary>
/// Written by the runner every few seconds while it lives. It names the job's process group so that,
/// should the runner die, whoever notices can end the job too.
/// </summary>
public sealed record Heartbeat(DateTimeOffset At, int Pid, string Host, int? JobPid = null, long? JobStartTicks = null);

/// <summary>
/// Written by the CLI when a compute backend started a runner. <paramref name="Handle"/> is the compute's own (a pid
/// and start time here; a host and pid, or a Slurm job id, elsewhere): only the compute named <paramref name="Compute"/> reads it.
/// </summary>
public sealed record LaunchInfo(string Compute, string Handle, DateTimeOffset LaunchedAt);

/// <summary>
/// Written once by each node's runner of a multi-node run before its commands start: the address the other nodes reach
/// it on, and on rank 0 the master port it found free. The runners wait for every node's before they start. Each
/// attempt of a requeued run writes its own (<paramref name="Attempt"/>): a later attempt never meets an earlier one's
/// addresses and port, which the requeue left in the store.
/// </summary>
public sealed record NodeAddress(string Address, int? MasterPort = null, int Attempt = 1);
