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

    private async Task<RunRecord> SubmitAsync(ICompute compute, JobStatus status = JobStatus.Running)
    {
        var run = new RunRecord
        {
            RunName = "quiet-fox-1", Repo = Repo, ProviderName = "bash", SubmittedAt = _clock.GetUtcNow(),
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await _runs.CreateAsync(run, _clock.GetUtcNow(), default);
        await _runs.PutStateAsync(Repo, run.RunName, 0, new JobState { Status = status, UpdatedAt = _clock.GetUtcNow() }, default);
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

    private async Task<(FakeCompute Compute, RunRecord Run, LaunchInfo Launch, RunMonitor Monitor)> QueuedAsync(JobStatus status = JobStatus.Submitted)
    {
        var slurm = new FakeCompute(_clock, "cluster");
        var run = await SubmitAsync(slurm, status);
        return (slurm, run, (await _runs.GetLaunchAsync(Repo, run.RunName, 0, default))!, new RunMonitor(_runs, new ComputeRegistry(slurm), _clock));
    }

    [Fact]
    public async Task JobASchedulerQueues_IsPendingWithItsReason_WhateverItsSilence_AndNothingIsStored()
    {
        var (slurm, run, launch, monitor) = await QueuedAsync();
        slurm.Says(launch, RunnerCheck.Queued("slurm: Resources"));
        _clock.Advance(RunMonitor.StaleHeartbeat * 10);

        var job = (await monitor.ViewAsync(run, default)).Jobs[0];

        job.Status.ShouldBe(JobStatus.Pending);
        job.Detail.ShouldBe("slurm: Resources");
        (await _runs.GetStateAsync(Repo, run.RunName, 0, default))!.Status.ShouldBe(JobStatus.Submitted, "a reader's view, never the store's");
    }

    [Fact]
    public async Task RunnerStartedAlready_KeepsItsOwnStatus_WhenTheSchedulerStillSaysQueued()
    {
        var (slurm, run, launch, monitor) = await QueuedAsync(JobStatus.Downloading);
        slurm.Says(launch, RunnerCheck.Queued("slurm: Priority"));

        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Downloading);
    }

    [Fact]
    public async Task RunnerThatBeatThenWentQuiet_WhileTheSchedulerQueuesTheJobAgain_IsPendingRequeued_AndNothingIsStored()
    {
        var (slurm, run, launch, monitor) = await QueuedAsync(JobStatus.Running);
        await _runs.PutHeartbeatAsync(Repo, run.RunName, 0, new Heartbeat(_clock.GetUtcNow(), 1, "n1"), default);
        slurm.Says(launch, RunnerCheck.Queued("slurm: BeginTime"));
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Running, "a fresh beat: the queue's answer is older than the start");

        _clock.Advance(RunMonitor.RequeuedQuiet + TimeSpan.FromSeconds(1));
        var job = (await monitor.ViewAsync(run, default)).Jobs[0];

        (job.Status, job.Detail).ShouldBe((JobStatus.Pending, "requeued, slurm: BeginTime"));
        _clock.Advance(RunMonitor.StaleHeartbeat * 10);
        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Pending, "a queued job's silence never makes it lost");
        (await _runs.GetStateAsync(Repo, run.RunName, 0, default))!.Status.ShouldBe(JobStatus.Running);
    }

    [Fact]
    public async Task JobTheSchedulerEnded_FailsWithTheSchedulersReason()
    {
        var (slurm, run, launch, monitor) = await QueuedAsync(JobStatus.Running);
        slurm.Says(launch, RunnerCheck.Ended(new RunnerEnd(TerminationReason.EndedByScheduler, "slurm: TIMEOUT")));

        var job = (await monitor.ViewAsync(run, default)).Jobs[0];

        job.Status.ShouldBe(JobStatus.Failed);
        job.ReasonText.ShouldBe("slurm: TIMEOUT");
        (await _runs.GetStateAsync(Repo, run.RunName, 0, default))!.Reason.ShouldBe(TerminationReason.EndedByScheduler);
        slurm.CleanedUp.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(JobStatus.Submitted, "failed to start: the runner could not start on node n2: exec: no such file")]
    [InlineData(JobStatus.Running, "runner lost (Slurm job 7 FAILED)")]
    public async Task RunnerThatNeverStarted_FailsToStart_WithWhatItsStartPrinted_WhileOneThatStartedIsLost(JobStatus stored, string expected)
    {
        var (slurm, run, launch, monitor) = await QueuedAsync(stored);
        slurm.Says(launch, RunnerCheck.Ended(new RunnerEnd(TerminationReason.RunnerLost, "Slurm job 7 FAILED", "the runner could not start on node n2: exec: no such file")));

        (await monitor.ViewAsync(run, default)).Jobs[0].ReasonText.ShouldBe(expected);
    }

    [Theory]
    [InlineData(false, JobStatus.Stopped)]
    [InlineData(true, JobStatus.Aborted)]
    public async Task StopOfAQueuedJob_EndsItAtOnce_AndItIsStoppedByTheUser(bool abort, JobStatus expected)
    {
        var (slurm, run, launch, monitor) = await QueuedAsync();
        slurm.Says(launch, RunnerCheck.Queued("slurm: Priority"));
        await _runs.RequestStopAsync(Repo, run.RunName, 0, new StopRequest(abort, _clock.GetUtcNow()), default);

        await monitor.EndQueuedAsync(run, default);
        var job = (await monitor.ViewAsync(run, default)).Jobs[0];

        slurm.Killed.ShouldBe([launch.Handle]);
        job.Status.ShouldBe(expected);
    }

    [Fact]
    public async Task EndQueued_LeavesAJobWhoseRunnerRuns()
    {
        var (slurm, run, _, monitor) = await QueuedAsync(JobStatus.Running);
        await monitor.EndQueuedAsync(run, default);
        slurm.Killed.ShouldBeEmpty();
    }

    [Fact]
    public async Task AbortThatTheSchedulerCarriedOut_IsAbortedByTheUser_NotTheSchedulersVerdict()
    {
        var (slurm, run, launch, monitor) = await QueuedAsync(JobStatus.Running);
        await _runs.RequestStopAsync(Repo, run.RunName, 0, new StopRequest(true, _clock.GetUtcNow()), default);
        slurm.Says(launch, RunnerCheck.Ended(new RunnerEnd(TerminationReason.EndedByScheduler, "slurm: CANCELLED")));

        (await monitor.ViewAsync(run, default)).Jobs[0].Status.ShouldBe(JobStatus.Aborted);
    }
}
