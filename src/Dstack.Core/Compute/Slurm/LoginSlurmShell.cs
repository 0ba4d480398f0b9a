using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Compute.Slurm;

/// <summary>
/// Slurm's commands on a login host, over the SSH target's session (multiplexed, so each call after the first is cheap),
/// with the target's <c>SLURM_CONF</c> (<paramref name="slurmConf"/>, a path on the login host).
/// </summary>
public sealed class LoginSlurmShell(SshSession session, string? slurmConf = null) : ISlurmShell
{
    public SshSession Session => session;

    public string Where => $"login host {session.Host}";

    public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
    {
        try
        {
            var result = await session.RunAsync(SlurmConfScript.Prefixed(slurmConf, script), stdin, ct);
            return new ShellResult(result.ExitCode, result.StdOut, result.StdErr);
        }
        catch (SshException e) { throw SlurmException.Unreachable(Where, e.Message); }
    }
}
