using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Core.Tests.Runs;

/// <summary>"Is the runner alive", "kill it" and the runner-lost clean-up go to the compute that launched it.</summary>
public sealed class RunMonitorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-monitor-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly RunStore _runs;

    public RunMonitorTests() => _runs = new RunStore(new LocalStorage(_root));

    private async Task<RunRecord> SubmitAsync(ICompute compute)
    {
        var run = new RunRecord
        {
            RunName = "quiet-fox-1", Repo = Repo, ProviderName = "bash", SubmittedAt = _clock.GetUtcNow(),
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await _runs.CreateAsync(run, _clock.GetUtcNow(), default);
        await _runs.PutStateAsync(Repo, run.RunName, 0, new JobState { Status = JobStatus.Running, UpdatedAt = _clock.GetUtcNow() }, default);
        var launch = await compute.StartRunnerAsync(new RunnerTarget(_root, Repo, run.RunName, 0), default);
        await _runs.PutLaunchAsync(Repo, run.RunName, 0, launch, default);
        return run;
    }

    [Fact]
    public async Task RunnerItsComputeSaysGone_IsMarkedLost_AndThatComputeCleansUpTheJob()
    {
        var other = new FakeCompute(_clock, "other");
        var slurm = new FakeCompute(_clock, "slurm");
        var run = await SubmitAsync(slurm);
        var monitor = new RunMonitor(_runs, new ComputeRegistry(other, slurm), _clock);
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running);

        slurm.Die((await _runs.GetLaunchAsync(Repo, run.RunName, 0, default))!);
        var view = await monitor.ViewAsync(run, default);

        view.Jobs[0].Status.ShouldBe(JobStatus.Failed);
        view.Jobs[0].Reason.ShouldBe(TerminationReason.RunnerLost);
        view.Jobs[0].ReasonText.ShouldBe("runner lost", "its host answered: the runner is gone, no more to say");
        slurm.CleanedUp.ShouldBe(["acme.widgets.quiet-fox-1.0"]);
        other.CleanedUp.ShouldBeEmpty();
    }

    [Fact]
    public async Task LaunchByAComputeNotKnownHere_GoesByTheHeartbeat()
    {
        var run = await SubmitAsync(new FakeCompute(_clock, "elsewhere"));
        var monitor = new RunMonitor(_runs, new ComputeRegistry(new FakeCompute(_clock)), _clock);
        await _runs.PutHeartbeatAsync(Repo, run.RunName, 0, new Heartbeat(_clock.GetUtcNow(), 1, "far-host"), default);

        _clock.Advance(RunMonitor.StaleHeartbeat - TimeSpan.FromSeconds(1));
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running);
        _clock.Advance(TimeSpan.FromSeconds(2));
        (await monitor.ViewAsync(run, default)).Jobs[0].Reason.ShouldBe(TerminationReason.RunnerLost);
    }

    [Fact]
    public async Task RunnerOnAHostThatDoesNotAnswer_KeepsItsStatusUntilTheHeartbeatIsStale_ThenIsLostNamingTheHost()
    {
        var lab = new FakeCompute(_clock, "lab");
        var run = await SubmitAsync(lab);
        var monitor = new RunMonitor(_runs, new ComputeRegistry(lab), _clock);
        await _runs.PutHeartbeatAsync(Repo, run.RunName, 0, new Heartbeat(_clock.GetUtcNow(), 1, "h1"), default);
        lab.Unreachable((await _runs.GetLaunchAsync(Repo, run.RunName, 0, default))!, "h1");

        _clock.Advance(RunMonitor.StaleHeartbeat - TimeSpan.FromSeconds(1));
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var lost = (await monitor.ViewAsync(run, default)).Jobs[0];

        lost.Status.ShouldBe(JobStatus.Failed);
        lost.ReasonText.ShouldBe("runner lost (host h1 unreachable)");
        (await _runs.GetStateAsync(Repo, run.RunName, 0, default))!.ReasonText.ShouldBe("runner lost (host h1 unreachable)");
    }

    [Fact]
    public async Task RunnerOnAHostThatAnswersAgain_BeatingAgain_IsNotLost()
    {
        var lab = new FakeCompute(_clock, "lab");
        var run = await SubmitAsync(lab);
        var monitor = new RunMonitor(_runs, new ComputeRegistry(lab), _clock);
        var launch = (await _runs.GetLaunchAsync(Repo, run.RunName, 0, default))!;
        await _runs.PutHeartbeatAsync(Repo, run.RunName, 0, new Heartbeat(_clock.GetUtcNow(), 1, "h1"), default);
        lab.Unreachable(launch, "h1");
        _clock.Advance(RunMonitor.StaleHeartbeat / 2);
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running);

        lab.Unreachable(launch, null);
        _clock.Advance(RunMonitor.StaleHeartbeat);

        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running, "its host says it lives: quiet, not lost");
        lab.CleanedUp.ShouldBeEmpty();
    }

    [Fact]
    public async Task KillRunners_GoesToTheComputeThatLaunched()
    {
        var compute = new FakeCompute(_clock, "slurm");
        var run = await SubmitAsync(compute);
        var launch = (await _runs.GetLaunchAsync(Repo, run.RunName, 0, default))!;

        await new RunMonitor(_runs, new ComputeRegistry(new FakeCompute(_clock), compute), _clock).KillRunnersAsync(run, default);

        (await compute.IsRunnerAliveAsync(launch, default)).ShouldBe(false);
    }

    [Fact]
    public async Task PortUrls_AreWhereTheLaunchingComputeSaysTheyAreOpened()
    {
        var direct = new FakeCompute(_clock, "lab")
        {
            Capabilities = new FakeCompute(_clock).Capabilities with { Ports = new PortAccess("10.0.0.7", PortRoute.Direct) },
        };
        var run = await SubmitAsync(direct);
        await _runs.PutStateAsync(Repo, run.RunName, 0, new JobState { Status = JobStatus.Running, UpdatedAt = _clock.GetUtcNow(), Ports = [8080, 8081] }, default);

        (await new RunMonitor(_runs, new ComputeRegistry(direct), _clock).ViewAsync(run, default)).Jobs[0].PortUrls
            .ShouldBe(["http://10.0.0.7:8080", "http://10.0.0.7:8081"]);
        (await new RunMonitor(_runs, new ComputeRegistry(new FakeCompute(_clock)), _clock).ViewAsync(run, default)).Jobs[0].PortUrls
            .ShouldBeEmpty("a compute not known here cannot say where they are opened");
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
