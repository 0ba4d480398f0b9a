using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>
/// A runner a reader declared lost while it was out of reach (its host off the network: no heartbeat for the stale
/// window) and that is back: it wins, and nothing of its job is lost.
/// </summary>
public sealed class JobRunnerReclaimTests : IDisposable
{
    private readonly RunnerHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<FakeRunningJob> StartedJobAsync()
    {
        await _h.SubmitAsync(new JobSpec { Commands = ["python train.py"] });
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");
        _h.Executor.Job!.MarkStarted();
        await _h.DriveUntilStatusAsync(JobStatus.Running);
        return _h.Executor.Job!;
    }

    private int StateReads => _h.Flaky.Reads.Count(k => k.EndsWith("state.json", StringComparison.Ordinal));

    [Fact]
    public async Task DeclaredLostWhileOutOfReach_OnceBack_PutsItsOwnStateBack_AndItsRunInPlainPs_ThenEndsDone()
    {
        var job = await StartedJobAsync();
        var index = new UnfinishedRunIndex(_h.Store);
        _h.Flaky.Down = true;
        await _h.DriveForAsync(RunMonitor.StaleHeartbeat + TimeSpan.FromSeconds(10), step: TimeSpan.FromMilliseconds(500));
        // What a reader does meanwhile (RunMonitor): the verdict, and plain ps's marker of a run it found ended dropped.
        await new RunStore(_h.Store).PutStateAsync(_h.Repo, _h.RunName, 0, new JobState
        {
            Status = JobStatus.Failed, Reason = TerminationReason.RunnerLost, Detail = "host h3 unreachable", UpdatedAt = _h.Clock.GetUtcNow(),
        }, default);
        foreach (var marker in await index.UnfinishedAsync(_h.Repo, default)) await index.DropAsync(_h.Repo, marker, unlessSubmitting: false, default);

        _h.Flaky.Down = false;
        await _h.DriveUntilStatusAsync(JobStatus.Running);

        (await index.UnfinishedAsync(_h.Repo, default)).Select(m => m.Run).ShouldBe([_h.RunName]);
        job.Terminations.ShouldBe(0);
        job.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.StateAsync())!.Status.ShouldBe(JobStatus.Done);
        (await index.UnfinishedAsync(_h.Repo, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task NeverSilent_NeverRereadsItsState()
    {
        await StartedJobAsync();
        var before = StateReads;

        await _h.DriveForAsync(TimeSpan.FromMinutes(2), step: TimeSpan.FromMilliseconds(500));

        StateReads.ShouldBe(before, "a runner that kept beating cannot have been declared lost by its silence");
    }

    [Fact]
    public async Task SilentButNotDeclaredLost_LeavesTheStateAsItIs()
    {
        await StartedJobAsync();
        _h.Flaky.Down = true;
        await _h.DriveForAsync(RunMonitor.StaleHeartbeat + TimeSpan.FromSeconds(10), step: TimeSpan.FromMilliseconds(500));
        var stored = await _h.StateAsync() is { } s ? (s.Status, s.Reason, s.UpdatedAt) : default;
        var reads = StateReads;

        _h.Flaky.Down = false;
        await _h.DriveUntilAsync(() => StateReads > reads, "the runner to look at its state", fakeLimit: TimeSpan.FromSeconds(30));
        await _h.DriveForAsync(TimeSpan.FromSeconds(5));

        (await _h.StateAsync() is { } after ? (after.Status, after.Reason, after.UpdatedAt) : default).ShouldBe(stored);
    }
}
