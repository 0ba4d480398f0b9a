using System.Diagnostics;
using Dstack.Core.Compute.Slurm;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// The real Slurm 22.05 test cluster (nodes n1, n2, two fake GPUs each) of <c>scripts/slurm/slurm-up.sh</c>, which the test
/// script starts. Outside CI a cluster that does not answer is started here (the script is idempotent); under
/// <c>CI=true</c> it is a failure naming the script: never a silent skip.
/// </summary>
public static class SlurmTestCluster
{
    public static Task EnsureUpAsync() => TestSlurmCluster.Default.EnsureUpAsync();

    /// <summary>Runs a shell line on this machine (scontrol, squeue …); fails on a non-zero exit.</summary>
    public static Task<string> RunAsync(string command) => TestSlurmCluster.Default.RunAsync(command);

    /// <summary>Cancels every job in the queue and waits until it is empty (only the holder of a <see cref="SlurmClusterLease"/>).</summary>
    public static Task ClearQueueAsync() => TestSlurmCluster.Default.ClearQueueAsync();
}

/// <summary>
/// One of the test clusters: <see cref="Default"/> (multi mode, <c>/etc/slurm</c>, shared by most Slurm tests) or
/// <see cref="Netns"/> (<c>scripts/slurm/slurm-netns.sh</c>: nodes m1, m2 each in its own network namespace, its own
/// controller, reached with <see cref="SlurmConf"/>). Its commands, started here, get that <c>SLURM_CONF</c>.
/// </summary>
public sealed class TestSlurmCluster(string script, string[] scriptArgs, string? slurmConf, string lockName)
{
    public static readonly TestSlurmCluster Default = new("slurm-up.sh", [], null, "dstack-tests-slurm.lock");
    public static readonly TestSlurmCluster Netns = new("slurm-netns.sh", ["up"], "/etc/slurm-netns/slurm.conf", "dstack-tests-slurm-netns.lock");

    private Task? _ensured;
    private readonly Lock _gate = new();

    /// <summary>The cluster's slurm.conf when it is not the default one (a target's <c>--slurm-conf</c>).</summary>
    public string? SlurmConf => slurmConf;

    /// <summary>The cross-process lock of <see cref="SlurmClusterLease"/>s of this cluster.</summary>
    public string LockPath => Path.Combine(Path.GetTempPath(), lockName);

    private string ScriptLine => string.Join(" ", new[] { $"scripts/slurm/{script}" }.Concat(scriptArgs));

    public Task EnsureUpAsync()
    {
        lock (_gate) return _ensured ??= EnsureAsync();
    }

    /// <summary>Runs a shell line on this machine (scontrol, squeue …) against this cluster; fails on a non-zero exit.</summary>
    public async Task<string> RunAsync(string command)
    {
        var (code, stdout, stderr) = await RunProcessAsync("/bin/sh", ["-c", SlurmConfScript.Prefixed(slurmConf, command)]);
        if (code != 0) throw new InvalidOperationException($"'{command}' exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Cancels every job in the queue and waits until it is empty (only the holder of this cluster's lease).</summary>
    public async Task ClearQueueAsync()
    {
        await RunAsync("scancel -u \"$(id -un)\"");
        var until = DateTime.UtcNow.AddMinutes(2);
        while ((await RunAsync("squeue -h -o %i")).Trim().Length > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"The Slurm test queue did not empty:\n{await RunAsync("squeue")}");
            await Task.Delay(250);
        }
    }

    private async Task EnsureAsync()
    {
        if ((await RunProcessAsync("/bin/sh", ["-c", SlurmConfScript.Prefixed(slurmConf, "scontrol ping")])).Code == 0) return;
        if (Environment.GetEnvironmentVariable("CI") == "true")
            throw new InvalidOperationException($"No Slurm test cluster: `scontrol ping` fails. Start it with {ScriptLine} (the test script does).");
        var (code, stdout, stderr) = await RunProcessAsync(Path.Combine(RepoRoot, "scripts", "slurm", script), scriptArgs);
        if (code != 0) throw new InvalidOperationException($"{ScriptLine} failed (exit {code}):\n{stdout}\n{stderr}");
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
/// A test cluster for one test collection at a time across test processes (the Core and end-to-end suites run in parallel
/// and both submit jobs): an exclusive lock file held for the collection's lifetime, and a queue emptied of what earlier
/// holders (or a crashed run) left, so a test sees only its own jobs. Each cluster has its own lock and queue.
/// </summary>
public abstract class SlurmLease(TestSlurmCluster cluster) : IAsyncLifetime
{
    private FileStream? _lock;

    public async Task InitializeAsync()
    {
        await cluster.EnsureUpAsync();
        var until = DateTime.UtcNow.AddMinutes(30);
        while (_lock is null)
        {
            try { _lock = new FileStream(cluster.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < until) { await Task.Delay(500); }
        }
        await cluster.ClearQueueAsync();
    }

    public Task DisposeAsync()
    {
        _lock?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The default test cluster (n1, n2), for the collection "slurm cluster".</summary>
public sealed class SlurmClusterLease() : SlurmLease(TestSlurmCluster.Default);

/// <summary>The netns test cluster (m1, m2), for the collection "slurm netns cluster".</summary>
public sealed class SlurmNetnsClusterLease() : SlurmLease(TestSlurmCluster.Netns);

[CollectionDefinition("slurm cluster")]
public sealed class SlurmClusterCollection : ICollectionFixture<SlurmClusterLease>;

[CollectionDefinition("slurm netns cluster")]
public sealed class SlurmNetnsClusterCollection : ICollectionFixture<SlurmNetnsClusterLease>;
