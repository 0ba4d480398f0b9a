using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The real Slurm 22.05 test cluster the Slurm tests use: nodes n1 and n2 (two fake GPUs each) on this machine's file
/// system, started by <c>scripts/slurm/slurm-up.sh</c> (the test script runs it). Outside CI a cluster that does not answer
/// is started here (the script is idempotent); under <c>CI=true</c> it is a failure naming the script: never a silent skip.
/// Tests look at the cluster directly with <see cref="RunAsync"/> (squeue, scontrol: never through dstack).
/// </summary>
public static class SlurmCluster
{
    private static readonly Lazy<Task> Shared = new(EnsureAsync);

    public static Task EnsureUpAsync() => Shared.Value;

    /// <summary>Runs a shell line on this machine, the cluster's login node; fails on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string command)
    {
        var (code, stdout, stderr) = await RunProcessAsync("/bin/sh", ["-c", command]);
        if (code != 0) throw new InvalidOperationException($"'{command}' exited {code}: {stderr}");
        return stdout;
    }

    private static async Task EnsureAsync()
    {
        if ((await RunProcessAsync("/bin/sh", ["-c", "scontrol ping"])).Code == 0) return;
        if (Environment.GetEnvironmentVariable("CI") == "true")
            throw new InvalidOperationException("No Slurm test cluster: `scontrol ping` fails. Start it with scripts/slurm/slurm-up.sh (the test script does).");
        var (code, stdout, stderr) = await RunProcessAsync(Path.Combine(DstackBinary.RepoRoot, "scripts", "slurm", "slurm-up.sh"), []);
        if (code != 0) throw new InvalidOperationException($"scripts/slurm/slurm-up.sh failed (exit {code}):\n{stdout}\n{stderr}");
    }

    private static async Task<(int Code, string StdOut, string StdErr)> RunProcessAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
