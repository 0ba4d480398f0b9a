using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Tests.Compute;

namespace Dstack.Core.Tests.Local;

/// <summary>
/// <see cref="LocalCompute"/> with real processes: its "runner" is a shell that becomes <c>sleep</c> (the runner's
/// arguments are only its positional parameters), started detached and killed as a real runner would be.
/// </summary>
public sealed class LocalComputeConformanceTests : ComputeConformanceTests, IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "dstack-compute-" + Guid.NewGuid().ToString("N"));
    private readonly LocalCompute _compute = new(["/bin/sh", "-c", "exec sleep 300", "sh"], TimeProvider.System);

    protected override ICompute Compute => _compute;

    protected override RunnerTarget Target(int job) => new(_home, new RepoRef("owner", "repo"), "conformance-run-1", job);

    protected override Task EndByItselfAsync(LaunchInfo launch)
    {
        var handle = LocalLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
        PosixProcess.Signal(handle.Pid, PosixProcess.SigKill).ShouldBeTrue();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Handle_OfAnotherMachine_CannotTell_AndIsNeverSignalled()
    {
        var launch = await _compute.StartRunnerAsync(Target(0), default);
        try
        {
            var here = LocalLaunchHandle.Parse(launch.Handle).ShouldNotBeNull();
            var elsewhere = launch with { Handle = (here with { Host = "another-host" }).Format() };

            (await _compute.IsRunnerAliveAsync(elsewhere, default)).ShouldBeNull();
            await _compute.KillRunnerAsync(elsewhere, default);
            (await _compute.IsRunnerAliveAsync(launch, default)).ShouldBe(true, "the same pid on another host is another process");
        }
        finally { await _compute.KillRunnerAsync(launch, default); }
    }

    [Fact]
    public async Task CleanUpLost_KillsTheJobsProcessGroupNamedByTheLastHeartbeat()
    {
        var job = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", ["sleep", "300"]))!;
        var ticks = PosixProcess.StartTicks(job.Id).ShouldNotBeNull();
        var launch = await _compute.StartRunnerAsync(Target(0), default);
        await _compute.KillRunnerAsync(launch, default);

        await _compute.CleanUpLostAsync(launch, new Heartbeat(DateTimeOffset.UtcNow, 1, Environment.MachineName, job.Id, ticks), "owner.repo.conformance-run-1.0", default);

        (await job.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token).ContinueWith(t => t.IsCompletedSuccessfully)).ShouldBeTrue();
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
