using Dstack.Core.Models;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>
/// The runner's state machine in this process: a real store in a temp folder, a fake job the test starts, prints
/// from and ends, and a fake clock, so a grace period or a store outage of minutes takes milliseconds.
/// </summary>
public sealed class JobRunnerTests : IDisposable
{
    private static readonly JobSpec Job = new() { Commands = ["python train.py"] };
    private readonly RunnerHarness _h = new() { StopGrace = TimeSpan.FromSeconds(10), WorkflowName = "train" };

    public void Dispose() => _h.Dispose();

    private FakeRunningJob Running => _h.Executor.Job!;

    /// <summary>Submits the job, starts the runner, and lets it start the job's commands.</summary>
    private async Task<FakeRunningJob> StartedJobAsync()
    {
        await _h.SubmitAsync(Job);
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");
        Running.MarkStarted();
        await _h.DriveUntilStatusAsync(JobStatus.Running);
        return Running;
    }

    /// <summary>
    /// On a bucket every read is a round trip: the runner asks for its job's state together with the run's record. Each of
    /// the first two reads is held here until the other is asked; one after the other, the runner would never get past them.
    /// </summary>
    [Fact]
    public async Task Runner_AsksForItsStateTogetherWithTheRecord()
    {
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Flaky.BeforeGet = async key =>
        {
            if (key.EndsWith("/run.json", StringComparison.Ordinal)) { record.TrySetResult(); await state.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
            else if (key.EndsWith("/state.json", StringComparison.Ordinal)) { state.TrySetResult(); await record.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
        };

        var job = await StartedJobAsync();
        job.Exit(0);

        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.StatusAsync()).ShouldBe(JobStatus.Done);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public async Task Job_Ending_MarksItsRunInTheDoneRunIndexOnlyWhenDone(int exitCode, int markers)
    {
        var job = await StartedJobAsync();
        job.Exit(exitCode);

        await _h.FinishAsync();
        var keys = new List<string>();
        await foreach (var key in _h.Store.ListAsync(Core.Storage.StoreKeys.DoneRunsOf(_h.Repo, "train"), default)) keys.Add(key);
        keys.Count.ShouldBe(markers);
        keys.ShouldAllBe(k => k.EndsWith("." + _h.RunName));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Job_Ending_RemovesItsRunFromTheUnfinishedIndex(int exitCode)
    {
        var index = new Core.Runs.UnfinishedRunIndex(_h.Store);
        var job = await StartedJobAsync();
        (await index.UnfinishedAsync(_h.Repo, default)).Select(m => m.Run).ShouldBe([_h.RunName]);
        job.Exit(exitCode);

        await _h.FinishAsync();

        (await index.UnfinishedAsync(_h.Repo, default)).ShouldBeEmpty();
        (await index.RecentAsync(_h.Repo, default)).Select(m => m.Run).ShouldBe([_h.RunName]); // still the latest
    }

    [Fact]
    public async Task Job_ExitingZero_EndsDone_WithItsOutputStored()
    {
        var job = await StartedJobAsync();
        job.Print("epoch 1");
        job.Exit(0);

        (await _h.FinishAsync()).ShouldBe(0);
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Done);
        state.Reason.ShouldBe(TerminationReason.Completed);
        state.ExitCode.ShouldBe(0);
        (await _h.LogLinesAsync()).ShouldContain("epoch 1");
        job.Terminations.ShouldBe(0);
        job.Kills.ShouldBe(0);
    }

    [Fact]
    public async Task Job_ExitingNonZero_EndsFailed_WithItsExitCode()
    {
        var job = await StartedJobAsync();
        job.Print("Traceback: boom");
        job.Exit(3);

        (await _h.FinishAsync()).ShouldBe(3);
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Failed);
        state.Reason.ShouldBe(TerminationReason.ExitCode);
        state.ExitCode.ShouldBe(3);
        (await _h.LogLinesAsync()).ShouldContain("Traceback: boom");
    }

    [Fact]
    public async Task Status_ShowsRunning_OnlyOnceTheCommandsStarted()
    {
        await _h.SubmitAsync(Job);
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");
        // Output before the commands run (an image being pulled) is shipped: the supervise loop has gone round.
        Running.Print("pulling image");
        await _h.DriveUntilAsync(async () => (await _h.LogLinesAsync()).Contains("pulling image"), "the early output in the store");
        await _h.DriveForAsync(TimeSpan.FromSeconds(5));
        (await _h.StatusAsync()).ShouldBe(JobStatus.Downloading);

        Running.MarkStarted();
        await _h.DriveUntilStatusAsync(JobStatus.Running);
        Running.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task GracefulStop_Terminates_ThenKills_OnlyOnceTheGracePeriodHasPassed()
    {
        var job = await StartedJobAsync();
        await _h.RequestStopAsync(abort: false);
        await _h.DriveUntilAsync(() => job.TerminatedAt is not null, "SIGTERM");
        (await _h.StatusAsync()).ShouldBe(JobStatus.Stopping);

        // The job ignores SIGTERM: until the grace period is over, it is left alone.
        var terminatedAt = job.TerminatedAt!.Value;
        await _h.DriveUntilAsync(() => _h.Clock.GetUtcNow() >= terminatedAt + _h.StopGrace - TimeSpan.FromMilliseconds(200), "the end of the grace period");
        job.Kills.ShouldBe(0);
        job.Terminations.ShouldBe(1);

        await _h.DriveUntilAsync(() => job.KilledAt is not null, "SIGKILL", fakeLimit: TimeSpan.FromSeconds(5));
        (job.KilledAt!.Value - terminatedAt).ShouldBeGreaterThanOrEqualTo(_h.StopGrace);
        job.Exit(137);

        (await _h.FinishAsync()).ShouldBe(137);
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Stopped);
        state.Reason.ShouldBe(TerminationReason.StoppedByUser);
    }

    [Fact]
    public async Task GracefulStop_ThatTheJobHonours_EndsStopped_WithoutAKill()
    {
        var job = await StartedJobAsync();
        await _h.RequestStopAsync(abort: false);
        await _h.DriveUntilAsync(() => job.TerminatedAt is not null, "SIGTERM");
        job.Print("saving checkpoint");
        job.Exit(143);

        (await _h.FinishAsync()).ShouldBe(143);
        job.Kills.ShouldBe(0);
        (await _h.StatusAsync()).ShouldBe(JobStatus.Stopped);
        (await _h.LogLinesAsync()).ShouldContain("saving checkpoint");
    }

    [Fact]
    public async Task Abort_DuringAGracefulStop_Wins_KillingAtOnce()
    {
        var job = await StartedJobAsync();
        await _h.RequestStopAsync(abort: false);
        await _h.DriveUntilAsync(() => job.TerminatedAt is not null, "SIGTERM");

        await _h.RequestStopAsync(abort: true);
        await _h.DriveUntilAsync(() => job.KilledAt is not null, "SIGKILL", fakeLimit: TimeSpan.FromSeconds(2));
        (job.KilledAt!.Value - job.TerminatedAt!.Value).ShouldBeLessThan(_h.StopGrace);
        job.Exit(137);

        (await _h.FinishAsync()).ShouldBe(137);
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Aborted);
        state.Reason.ShouldBe(TerminationReason.AbortedByUser);
    }

    [Fact]
    public async Task GracefulStop_AfterAnAbort_DoesNotTurnItBackIntoAStop()
    {
        var job = await StartedJobAsync();
        await _h.RequestStopAsync(abort: true);
        await _h.DriveUntilAsync(() => job.KilledAt is not null, "SIGKILL");
        await _h.RequestStopAsync(abort: false);
        await _h.DriveForAsync(TimeSpan.FromSeconds(1));
        job.Terminations.ShouldBe(0);
        job.Exit(137);

        await _h.FinishAsync();
        (await _h.StatusAsync()).ShouldBe(JobStatus.Aborted);
    }

    [Fact]
    public async Task Stop_RequestedBeforeTheRunnerStarts_EndsStopped_WithoutStartingTheJob()
    {
        await _h.SubmitAsync(Job);
        await _h.RequestStopAsync(abort: false);
        _h.Start();

        (await _h.FinishAsync()).ShouldBe(0);
        _h.Executor.Launches.ShouldBeEmpty();
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Stopped);
        state.Reason.ShouldBe(TerminationReason.StoppedByUser);
        state.ExitCode.ShouldBeNull();
    }

    [Fact]
    public async Task Stop_WhilePending_EndsStopped_WithoutStartingTheJob()
    {
        // More CPUs than this machine has: the job waits in the queue.
        await _h.SubmitAsync(Job with { Resources = new JobResources { Cpu = Environment.ProcessorCount + 64 } });
        _h.Start();
        await _h.DriveUntilStatusAsync(JobStatus.Pending);
        (await _h.StateAsync())!.Detail!.ShouldStartWith("waiting for");

        await _h.RequestStopAsync(abort: false);
        (await _h.FinishAsync()).ShouldBe(0);
        _h.Executor.Launches.ShouldBeEmpty();
        (await _h.StatusAsync()).ShouldBe(JobStatus.Stopped);
    }

    [Fact]
    public async Task Abort_WhilePending_EndsAborted_WithoutStartingTheJob()
    {
        await _h.SubmitAsync(Job with { Resources = new JobResources { Cpu = Environment.ProcessorCount + 64 } });
        _h.Start();
        await _h.DriveUntilStatusAsync(JobStatus.Pending);

        await _h.RequestStopAsync(abort: true);
        await _h.FinishAsync();
        _h.Executor.Launches.ShouldBeEmpty();
        (await _h.StatusAsync()).ShouldBe(JobStatus.Aborted);
    }

    [Fact]
    public async Task HeartbeatsFailing_WhileTheStoreIsDown_NeverEndTheJob_AndItsOutputArrivesWhenTheStoreReturns()
    {
        var job = await StartedJobAsync();
        _h.Flaky.Down = true;
        job.Print("step during the outage");
        var refusedBefore = _h.Flaky.Refused;
        // Minutes of outage: heartbeats, log flushes and stop checks all fail.
        await _h.DriveForAsync(TimeSpan.FromMinutes(3), step: TimeSpan.FromMilliseconds(500));
        _h.Flaky.Refused.ShouldBeGreaterThan(refusedBefore);
        job.Terminations.ShouldBe(0);
        job.Kills.ShouldBe(0);
        _h.Runner!.IsCompleted.ShouldBeFalse();
        (await _h.LogLinesAsync()).ShouldNotContain("step during the outage");

        _h.Flaky.Down = false;
        var back = _h.Clock.GetUtcNow();
        await _h.DriveUntilAsync(async () => (await _h.LogLinesAsync()).Contains("step during the outage"), "the outage's output",
            fakeLimit: TimeSpan.FromSeconds(15));
        await _h.DriveUntilAsync(async () => (await _h.HeartbeatAsync())!.At >= back, "a heartbeat after the outage", fakeLimit: TimeSpan.FromSeconds(15));
        job.Exit(0);

        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.StatusAsync()).ShouldBe(JobStatus.Done);
    }

    [Fact]
    public async Task StoreDown_WhenTheJobEnds_ItsLastOutputThenItsResultArriveWhenTheStoreReturns()
    {
        var job = await StartedJobAsync();
        _h.Flaky.Down = true;
        job.Print("last words");
        job.Exit(0);
        await _h.DriveForAsync(TimeSpan.FromMinutes(2), step: TimeSpan.FromMilliseconds(500));
        _h.Runner!.IsCompleted.ShouldBeFalse();
        (await _h.StatusAsync()).ShouldBe(JobStatus.Running);

        _h.Flaky.Down = false;
        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.StatusAsync()).ShouldBe(JobStatus.Done);
        (await _h.LogLinesAsync()).ShouldContain("last words");
        // The output went out before the result.
        var keys = _h.Flaky.Writes.Select(w => w.Key).ToList();
        keys.FindLastIndex(k => k.EndsWith(".log", StringComparison.Ordinal))
            .ShouldBeLessThan(keys.FindLastIndex(k => k.EndsWith("state.json", StringComparison.Ordinal)));
    }
}
