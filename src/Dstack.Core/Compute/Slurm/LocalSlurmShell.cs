using System.Diagnostics;

namespace Dstack.Core.Compute.Slurm;

/// <summary>Slurm's commands on this machine: <c>/bin/sh -c SCRIPT</c> (with the target's <c>SLURM_CONF</c>, <paramref name="slurmConf"/>).</summary>
public sealed class LocalSlurmShell(string? slurmConf = null) : ISlurmShell
{
    public string Where => "this machine";

    public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(SlurmConfScript.Prefixed(slurmConf, script));
        using var process = Process.Start(psi) ?? throw SlurmException.Unreachable(Where, "/bin/sh did not start");
        using var kill = ct.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (stdin is not null) await stdin.CopyToAsync(process.StandardInput.BaseStream, ct);
        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        return new ShellResult(process.ExitCode, await stdout, await stderr);
    }
}
