using Dstack.Core.Artifacts;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>
/// Attempts of a requeueable job (a Slurm job requeued by preemption or <c>scontrol requeue</c>): attempt N&gt;1 takes
/// over what an earlier attempt left unfinished, restores its checkpoints, and a stale runner never writes over it.
/// </summary>
public sealed class JobRunnerAttemptTests : IDisposable
{
    private static readonly JobSpec Interruptible = new()
    {
        Commands = ["python train.py"], Artifacts = [new ArtifactRef("checkpoints", Mount: true), new ArtifactRef("out")],
        Resources = new JobResources { Interruptible = true },
    };

    private readonly RunnerHarness _h = new();
    private readonly RunStore _runs;

    public JobRunnerAttemptTests() => _runs = new RunStore(_h.Store);

    public void Dispose() => _h.Dispose();

    /// <summary>What attempt 1 left: its state (running), one line of output, and a checkpoint of two files.</summary>
    private async Task AttemptOneLeftAsync()
    {
        await _h.SubmitAsync(Interruptible);
        await _runs.PutStateAsync(_h.Repo, _h.RunName, 0, new JobState { Status = JobStatus.Running, UpdatedAt = _h.Clock.GetUtcNow() }, default);
        using (var logs = new LogWriter(_h.Store, _h.Repo, _h.RunName, 0, _h.Clock))
        {
            logs.AppendLine("step 1");
            await logs.FlushAsync(final: true, default);
        }
        var folder = Directory.CreateTempSubdirectory("dstack-ckpt-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "progress"), "step 1\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "model.bin"), "weights");
            await new ArtifactStore(_h.Store).SaveAsync(_h.Repo, _h.RunName, 0, "checkpoints", folder, _h.Clock.GetUtcNow(), default);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public async Task AttemptTwo_TakesOverTheUnfinishedJob_RestoresItsCheckpoint_AndRunsWithDstackAttempt2()
    {
        await AttemptOneLeftAsync();
        _h.Attempt = 2;
        _h.MaxRequeues = 3;
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "attempt 2 to launch the job");

        var launch = _h.Executor.Launches.Single();
        launch.Environment["DSTACK_ATTEMPT"].ShouldBe("2");
        var checkpoints = launch.OutputFolders[0];
        File.ReadAllText(Path.Combine(checkpoints, "progress")).ShouldBe("step 1\n");
        File.ReadAllText(Path.Combine(checkpoints, "model.bin")).ShouldBe("weights");
        Directory.EnumerateFileSystemEntries(launch.OutputFolders[1]).ShouldBeEmpty("only mount: true artifacts are checkpoints");
        _h.Executor.Job!.MarkStarted();
        await _h.DriveUntilAsync(async () => (await _h.StateAsync()) is { Status: JobStatus.Running, Attempt: 2 }, "attempt 2 running");
        _h.Executor.Job.Print("step 2");
        _h.Executor.Job.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);

        (await _h.StateAsync()).ShouldNotBeNull().ShouldSatisfyAllConditions(s => s.Status.ShouldBe(JobStatus.Done), s => s.Attempt.ShouldBe(2));
        (await _h.LogLinesAsync()).ShouldBe(["step 1", "dstack: attempt 2 after requeue (restored checkpoints: 2 files)", "step 2"]);
    }

    [Fact]
    public async Task FirstAttempt_GetsDstackAttempt1_AndRestoresNothing()
    {
        await _h.SubmitAsync(Interruptible);
        _h.MaxRequeues = 3;
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to launch");

        _h.Executor.Launches.Single().Environment["DSTACK_ATTEMPT"].ShouldBe("1");
        _h.Executor.Job!.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.LogLinesAsync()).ShouldNotContain(l => l.Contains("attempt"));
    }

    [Fact]
    public async Task FirstAttempt_NeverTakesAJobAnotherRunnerStarted()
    {
        await AttemptOneLeftAsync();
        _h.MaxRequeues = 3;
        _h.Start();

        (await _h.FinishAsync()).ShouldBe(0);
        _h.Executor.Launches.ShouldBeEmpty();
        (await _h.StateAsync())!.Status.ShouldBe(JobStatus.Running);
    }

    [Fact]
    public async Task PastTheLimitOfRequeues_FailsWithThatReason_WithoutRunningTheCommands()
    {
        await AttemptOneLeftAsync();
        _h.Attempt = 5;
        _h.MaxRequeues = 3;
        _h.Start();
        await _h.FinishAsync();

        _h.Executor.Launches.ShouldBeEmpty();
        var state = (await _h.StateAsync()).ShouldNotBeNull();
        (state.Status, state.Reason, state.Attempt).ShouldBe((JobStatus.Failed, TerminationReason.EndedByScheduler, 5));
        state.ReasonText.ShouldBe("slurm: requeued 4 times, more than the limit of 3");
        (await _h.LogLinesAsync()).ShouldContain("dstack: attempt 5: slurm: requeued 4 times, more than the limit of 3");
    }

    [Fact]
    public async Task StaleRunnerOfAnEarlierAttempt_NeverWritesOverTheLaterAttemptsState()
    {
        await _h.SubmitAsync(Interruptible);
        _h.MaxRequeues = 3;
        _h.Start();
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "attempt 1 to launch the job");
        _h.Executor.Job!.MarkStarted();
        await _h.DriveUntilStatusAsync(JobStatus.Running);
        var attempt2 = new JobState { Status = JobStatus.Running, Attempt = 2, UpdatedAt = _h.Clock.GetUtcNow() };
        await _runs.PutStateAsync(_h.Repo, _h.RunName, 0, attempt2, default);

        _h.Executor.Job.Exit(0);
        await _h.FinishAsync();

        var state = (await _h.StateAsync()).ShouldNotBeNull();
        (state.Status, state.Attempt, state.UpdatedAt).ShouldBe((JobStatus.Running, 2, attempt2.UpdatedAt));
    }
}
