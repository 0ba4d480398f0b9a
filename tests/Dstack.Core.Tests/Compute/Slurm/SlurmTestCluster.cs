using System.Diagnostics;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// The real Slurm 22.05 test cluster (nodes n1, n2, two fake GPUs each) of <c>scripts/slurm/slurm-up.sh</c>, which the test
/// script starts. Outside CI a cluster that does not answer is started here (the script is idempotent); under
/// <c>CI=true</c> it is a failure naming the script: never a silent skip.
/// </summary>
public static class SlurmTestCluster
{
    private static readonly Lazy<Task> Shared = new(EnsureAsync);

    public static Task EnsureUpAsync() => Shared.Value;

    /// <summary>Runs a shell line on this machine (scontrol, squeue …); fails on a non-zero exit.</summary>
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
        var up = Path.Combine(RepoRoot, "scripts", "slurm", "slurm-up.sh");
        var (code, stdout, stderr) = await RunProcessAsync(up, []);
        if (code != 0) throw new InvalidOperationException($"scripts/slurm/slurm-up.sh failed (exit {code}):\n{stdout}\n{stderr}");
    }

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Dstack.slnx"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root (Dstack.slnx) above the test binaries.");
        }
    }

    private static async Task<(int Code, string StdOut, string StdErr)> RunProcessAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
