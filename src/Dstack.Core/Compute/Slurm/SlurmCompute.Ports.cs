using Dstack.Core.Compute.Ssh;
using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// Where a Slurm job's ports are: on its node (the host its runner reports, <c>SLURMD_NODENAME</c>), where the dev
/// environments listen on every interface. Without <c>--login</c> this machine is a login node of the cluster and reaches
/// the nodes by name (Slurm's own <c>srun</c> from here needs that, and the store probe uses it): the node's URL is opened
/// as it is. With <c>--login HOST</c> this machine is outside: each port is forwarded here over SSH through the login
/// host (<c>ssh -L 127.0.0.1:LOCAL:NODE:PORT HOST</c>), which reaches the node as its <c>sbatch</c> does.
/// </summary>
public sealed partial class SlurmCompute : IForwardsPorts
{
    /// <summary>Before a job is placed its node is not known: a node, as the route says it is reached.</summary>
    public PortAccess Ports => new(_settings.Login ?? "localhost", Route);

    private PortRoute Route => _settings.Login is null ? PortRoute.Direct : PortRoute.Forwarded;

    /// <summary>On the job's node (null until its runner has said which, or for another compute's handle).</summary>
    public PortAccess? PortsOf(LaunchInfo launch, string? jobHost) =>
        launch.Compute == Name && SlurmLaunchHandle.Parse(launch.Handle) is not null && !string.IsNullOrWhiteSpace(jobHost)
            ? new PortAccess(jobHost, Route)
            : null;

    public async Task<IPortForward> ForwardAsync(LaunchInfo launch, string? jobHost, IReadOnlyList<int> ports, CancellationToken ct)
    {
        if (PortsOf(launch, jobHost) is not { Route: PortRoute.Forwarded } access || shell is not LoginSlurmShell login)
            throw SlurmException.NothingToForward(Name, launch.Handle);
        try { return await SshPortForward.OpenAsync(login.Session, access.JobHostname, ports, time, ct); }
        catch (SshException e) { throw SlurmException.ForwardFailed(access.JobHostname, login.Where, e.Message); }
    }
}
