using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Compute.Slurm;

/// <summary>Slurm's commands on a login host, over the SSH target's session (multiplexed, so each call after the first is cheap).</summary>
public sealed class LoginSlurmShell(SshSession session) : ISlurmShell
{
    public SshSession Session => session;

    public string Where => $"login host {session.Host}";

    public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
    {
        try
        {
            var result = await session.RunAsync(script, stdin, ct);
            return new ShellResult(result.ExitCode, result.StdOut, result.StdErr);
        }
        catch (SshException e) { throw SlurmException.Unreachable(Where, e.Message); }
    }
}
