using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>
/// What a compute whose jobs listen on another machine (<see cref="PortRoute.Forwarded"/>) adds: the address of the host
/// a launch runs on, and forwards from this machine to that host. A compute without it has ports the user opens as they are.
/// </summary>
public interface IForwardsPorts
{
    /// <summary>
    /// How the ports of the job of <paramref name="launch"/> are reached on its host; null when the handle is not this
    /// compute's. <paramref name="jobHost"/> is the host the job's runner reports (its state's <c>Host</c>): where a
    /// scheduler placed it, which a launch handle alone does not say (a Slurm job id); null before the runner wrote it.
    /// A <see cref="PortRoute.Direct"/> answer means the job's host is reached from here as it is: nothing to forward.
    /// </summary>
    PortAccess? PortsOf(LaunchInfo launch, string? jobHost);

    /// <summary>
    /// Forwards each of <paramref name="ports"/> (on the job's host) to a port of this machine's loopback: the same number
    /// when it is free here, else a free one. The forward lasts until disposed, and never outlives this process.
    /// Throws the compute's own exception (a sentence naming the host) when it cannot be opened.
    /// </summary>
    Task<IPortForward> ForwardAsync(LaunchInfo launch, string? jobHost, IReadOnlyList<int> ports, CancellationToken ct);
}
