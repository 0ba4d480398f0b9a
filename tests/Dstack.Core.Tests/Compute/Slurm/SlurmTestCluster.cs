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

    /// <summary>Cancels every job in the queue and waits until it is empty (only the holder of a <see cref="SlurmClusterLease"/>).</summary>
    public static async Task ClearQueueAsync()
    {
        await RunAsync("scancel -u \"$(id -un)\"");
        var until = DateTime.UtcNow.AddMinutes(2);
        while ((await RunAsync("squeue -h -o %i")).Trim().Length > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"The Slurm test queue did not empty:\n{await RunAsync("squeue")}");
            await Task.Delay(250);
        }
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

/// <summary>
/// The test cluster for one test collection at a time across test processes (the Core and end-to-end suites run in parallel
/// and both submit jobs): an exclusive lock file held for the collection's lifetime, and a queue emptied of what earlier
/// holders (or a crashed run) left, so a test sees only its own jobs.
/// </summary>
public sealed class SlurmClusterLease : IAsyncLifetime
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "dstack-tests-slurm.lock");
    private FileStream? _lock;

    public async Task InitializeAsync()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var until = DateTime.UtcNow.AddMinutes(30);
        while (_lock is null)
        {
            try { _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < until) { await Task.Delay(500); }
        }
        await SlurmTestCluster.ClearQueueAsync();
    }

    public Task DisposeAsync()
    {
        _lock?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("slurm cluster")]
public sealed class SlurmClusterCollection : ICollectionFixture<SlurmClusterLease>;
