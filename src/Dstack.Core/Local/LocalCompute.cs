using System.Diagnostics;
using System.Globalization;
using Dstack.Core.Compute;
using Dstack.Core.Docker;
using Dstack.Core.Models;

namespace Dstack.Core.Local;

/// <summary>
/// Runs the runner on this machine as a detached process (its own session, no terminal, output to a
/// log file), so it outlives the CLI. The runner is this same binary with the hidden <c>runner</c> verb.
/// </summary>
public sealed class LocalCompute(IReadOnlyList<string> runnerCommand, TimeProvider time) : ICompute
{
    public string Name => "local";

    public async Task<LaunchInfo> StartRunnerAsync(RunnerTarget target, CancellationToken ct)
    {
        var logDir = Config.DstackHome.RunnerLogsOf(target.DstackHome);
        Directory.CreateDirectory(logDir);
        var log = Path.Combine(logDir, $"{target.Repo.Owner}.{target.Repo.Name}.{target.RunName}.{target.JobIndex}.log");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        // sh starts the runner in the background in a new session and prints its pid; the runner is then
        // nobody's child, holds none of the CLI's file descriptors, and survives the terminal closing.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=$1; shift; setsid \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(log);
        foreach (var part in runnerCommand) psi.ArgumentList.Add(part);
        foreach (var arg in RunnerArgs(target)) psi.ArgumentList.Add(arg);
        psi.Environment["DSTACK_HOME"] = target.DstackHome;
        using var sh = Process.Start(psi) ?? throw LaunchException.ShellNotStarted();
        sh.StandardInput.Close();
        var output = await sh.StandardOutput.ReadToEndAsync(ct);
        await sh.WaitForExitAsync(ct);
        if (!int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            throw LaunchException.NotLaunched(log);
        var ticks = PosixProcess.StartTicks(pid) ?? 0;
        return new LaunchInfo(Name, new LocalLaunchHandle(Environment.MachineName, pid, ticks).Format(), time.GetUtcNow());
    }

    public Task<bool?> IsRunnerAliveAsync(LaunchInfo launch, CancellationToken ct)
    {
        if (LocalLaunchHandle.Parse(launch.Handle) is not { IsHere: true } handle) return Task.FromResult<bool?>(null);
        // A runner that exited before its start time could be read is gone (ticks 0 never matches).
        return Task.FromResult<bool?>(PosixProcess.IsAlive(handle.Pid, handle.StartTicks));
    }

    public Task KillRunnerAsync(LaunchInfo launch, CancellationToken ct)
    {
        if (LocalLaunchHandle.Parse(launch.Handle) is { IsHere: true } handle && PosixProcess.IsAlive(handle.Pid, handle.StartTicks))
        {
            // Its group, and the pid itself: just after the launch, setsid may not have made it a group leader yet.
            PosixProcess.SignalGroup(handle.Pid, PosixProcess.SigKill);
            PosixProcess.Signal(handle.Pid, PosixProcess.SigKill);
        }
        return Task.CompletedTask;
    }

    public async Task CleanUpLostAsync(LaunchInfo launch, Heartbeat? beat, string jobKey, CancellationToken ct)
    {
        if (beat is { JobPid: { } pid, JobStartTicks: { } ticks } && beat.Host == Environment.MachineName && PosixProcess.IsAlive(pid, ticks))
            PosixProcess.SignalGroup(pid, PosixProcess.SigKill);
        // A container is the Docker daemon's, not the runner's: it would outlive the runner unless removed.
        if ((await GetCapabilitiesAsync(ct)).Docker) await DockerCli.RemoveJobContainersAsync(jobKey, ct);
    }

    public Task<ComputeCapabilities> GetCapabilitiesAsync(CancellationToken ct) => _capabilities ??= DetectAsync(ct);

    public async Task<SubmitRefusal?> CheckAsync(JobSpec job, CancellationToken ct)
    {
        if (SubmitCheck.WhyNot(job, await GetCapabilitiesAsync(ct), Name) is { } refusal) return refusal;
        // The image is pulled now, before anything is stored, so that a missing one is the user's error at once.
        if (job.Image is { } image) await DockerCli.EnsureImageAsync(image, ct);
        return null;
    }

    /// <summary>Where a job's ports listen and are opened: this machine's loopback.</summary>
    public static readonly PortAccess Loopback = new("127.0.0.1", PortRoute.Direct);

    public PortAccess Ports => Loopback;

    private Task<ComputeCapabilities>? _capabilities;

    private static async Task<ComputeCapabilities> DetectAsync(CancellationToken ct) =>
        new([await LocalCapacity.DetectAsync(ct)], LocalCapacity.OnPath("docker"),
            LocalPython.FindAll().Select(p => p.Version).ToList(), Loopback, MultiNode: false, Preemptible: false);

    public static IEnumerable<string> RunnerArgs(RunnerTarget target) =>
        ["runner", "--repo", target.Repo.Id, "--run", target.RunName, "--job", target.JobIndex.ToString(CultureInfo.InvariantCulture)];
}
