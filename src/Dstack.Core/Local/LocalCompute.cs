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

    public Task<LaunchInfo> StartRunnerAsync(RunnerTarget target, CancellationToken ct)
    {
        var logDir = Config.DstackHome.RunnerLogsOf(target.DstackHome);
        Directory.CreateDirectory(logDir);
        var log = Path.Combine(logDir, $"{target.Repo.Owner}.{target.Repo.Name}.{target.RunName}.{target.JobIndex}.log");
        // In a session of its own, from /dev/null, into the log: it outlives the terminal and holds none of the CLI's
        // descriptors. It is the CLI's child until the CLI exits (then init's); a finished one nobody reaps reads as gone.
        int pid;
        try { pid = DetachedSpawn.Start([.. runnerCommand, .. RunnerArgs(target)], log, new Dictionary<string, string> { ["DSTACK_HOME"] = target.DstackHome }); }
        catch (IOException e) { throw LaunchException.NotStarted(runnerCommand[0], e.Message); }
        var ticks = PosixProcess.StartTicks(pid) ?? 0;
        return Task.FromResult(new LaunchInfo(Name, new LocalLaunchHandle(Environment.MachineName, pid, ticks).Format(), time.GetUtcNow()));
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
            // Its group, and the pid itself (a process started some other way may lead no group).
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
        if (!SubmitCheck.AsksForAnything(job)) return null;
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
