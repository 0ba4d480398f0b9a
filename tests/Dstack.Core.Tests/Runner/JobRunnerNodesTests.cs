using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>
/// One node's runner of a two-node run, in this process: it publishes its address, waits for the master's before the
/// job starts, tells the job where everyone is, and stops the job when the other node fails.
/// </summary>
public sealed class JobRunnerNodesTests : IDisposable
{
    private static readonly JobSpec Job = new() { Commands = ["python train.py"], Nodes = 2, Resources = new JobResources { GpuCount = 0 } };
    private readonly FakeJobHost _host = new("10.0.0.2");
    private readonly RunnerHarness _h;

    public JobRunnerNodesTests()
    {
        _h = new RunnerHarness { JobIndex = 1, Host = _host };
        _host.Grant();
    }
    private RunStore Runs => new(_h.Store);

    public void Dispose() => _h.Dispose();

    private async Task<FakeRunningJob> StartedAsync()
    {
        await _h.SubmitAsync(Job);
        _h.Start();
        await _h.DriveUntilAsync(async () => await Runs.GetNodeAsync(_h.Repo, _h.RunName, 1, default) is not null, "node 1 to publish its address");
        await _h.DriveForAsync(TimeSpan.FromSeconds(2));
        _h.Executor.Job.ShouldBeNull(); // the master has not said where it is
        await Runs.PutNodeAsync(_h.Repo, _h.RunName, 0, new NodeAddress("10.0.0.1", 29400), default);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");
        _h.Executor.Job!.MarkStarted();
        await _h.DriveUntilStatusAsync(JobStatus.Running);
        return _h.Executor.Job;
    }

    [Fact]
    public async Task Node_StartsOnlyOnceTheMasterIsKnown_AndIsToldEveryNodesPlace()
    {
        var job = await StartedAsync();

        (await Runs.GetNodeAsync(_h.Repo, _h.RunName, 1, default)).ShouldBe(new NodeAddress("10.0.0.2"));
        var env = _h.Executor.Launches.Single().Environment;
        env["DSTACK_NODE_RANK"].ShouldBe("1");
        env["DSTACK_NODES_NUM"].ShouldBe("2");
        env["DSTACK_MASTER_NODE_IP"].ShouldBe("10.0.0.1");
        env["DSTACK_NODES_IPS"].ShouldBe("10.0.0.1\n10.0.0.2");
        env["MASTER_ADDR"].ShouldBe("10.0.0.1");
        env["MASTER_PORT"].ShouldBe("29400");
        env["DSTACK_GPUS_PER_NODE"].ShouldBe("0");
        env["DSTACK_GPUS_NUM"].ShouldBe("0");
        job.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AttemptTwo_OfARunRequeuedAsAWhole_WaitsForTheMastersNewPlace_NotAttemptOnesLeftInTheStore()
    {
        // What attempt 1 left: node 1 running, every node's address, the master's port.
        await _h.SubmitAsync(Job);
        await Runs.PutStateAsync(_h.Repo, _h.RunName, 1, new JobState { Status = JobStatus.Running, UpdatedAt = _h.Clock.GetUtcNow() }, default);
        await Runs.PutNodeAsync(_h.Repo, _h.RunName, 0, new NodeAddress("10.0.0.9", 29400), default);
        await Runs.PutNodeAsync(_h.Repo, _h.RunName, 1, new NodeAddress("10.0.0.8"), default);
        _h.Attempt = 2;
        _h.MaxRequeues = 3;
        _h.Start();

        await _h.DriveUntilAsync(async () => await Runs.GetNodeAsync(_h.Repo, _h.RunName, 1, default) is { Attempt: 2 }, "node 1 to publish attempt 2's address");
        (await Runs.GetNodeAsync(_h.Repo, _h.RunName, 1, default)).ShouldBe(new NodeAddress("10.0.0.2", null, 2));
        await _h.DriveForAsync(TimeSpan.FromSeconds(2));
        _h.Executor.Job.ShouldBeNull(); // attempt 1's master is stale: attempt 2's has not said where it is
        await Runs.PutNodeAsync(_h.Repo, _h.RunName, 0, new NodeAddress("10.0.0.1", 29501, 2), default);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");

        var env = _h.Executor.Launches.Single().Environment;
        env["MASTER_ADDR"].ShouldBe("10.0.0.1");
        env["MASTER_PORT"].ShouldBe("29501");
        env["DSTACK_NODES_IPS"].ShouldBe("10.0.0.1\n10.0.0.2");
        env["DSTACK_ATTEMPT"].ShouldBe("2");
        _h.Executor.Job!.MarkStarted();
        _h.Executor.Job.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AttemptTwo_OfNodeOne_RestoresTheCheckpointItSavedUnderRankOne()
    {
        var job = Job with { Artifacts = [new ArtifactRef("checkpoints", Mount: true)], Resources = new JobResources { GpuCount = 0, Interruptible = true } };
        await _h.SubmitAsync(job);
        await Runs.PutStateAsync(_h.Repo, _h.RunName, 1, new JobState { Status = JobStatus.Running, UpdatedAt = _h.Clock.GetUtcNow() }, default);
        var folder = Directory.CreateTempSubdirectory("dstack-ckpt-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "progress"), "step 2\n");
            // Where node 1's attempt 1 saved it (docs/NODES.md: the nodes past rank 0 under rank-K/).
            await new ArtifactStore(_h.Store).SaveAsync(_h.Repo, _h.RunName, 1, "rank-1/checkpoints", folder, _h.Clock.GetUtcNow(), default);
        }
        finally { Directory.Delete(folder, recursive: true); }
        _h.Attempt = 2;
        _h.MaxRequeues = 3;
        _h.Start();
        await Runs.PutNodeAsync(_h.Repo, _h.RunName, 0, new NodeAddress("10.0.0.1", 29501, 2), default);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");

        File.ReadAllText(Path.Combine(_h.Executor.Launches.Single().OutputFolders[0], "progress")).ShouldBe("step 2\n");
        _h.Executor.Job!.MarkStarted();
        _h.Executor.Job.Exit(0);
        (await _h.FinishAsync()).ShouldBe(0);
        (await _h.LogLinesAsync()).ShouldContain("dstack: attempt 2 after requeue (restored checkpoints: 1 file)");
    }

    [Fact]
    public async Task OtherNode_Failing_StopsThisOne_GracefullyThenKilled_NamingTheNode()
    {
        var job = await StartedAsync();

        await Runs.PutStateAsync(_h.Repo, _h.RunName, 0, new JobState
        {
            Status = JobStatus.Failed, Reason = TerminationReason.ExitCode, ExitCode = 1, Host = "h1", UpdatedAt = _h.Clock.GetUtcNow(),
        }, default);
        await _h.DriveUntilAsync(() => job.Terminations > 0, "the job to be asked to stop");
        await _h.DriveForAsync(TimeSpan.FromSeconds(11));
        job.Kills.ShouldBeGreaterThan(0);
        job.Exit(137);

        await _h.FinishAsync();
        var state = (await _h.StateAsync())!;
        state.Status.ShouldBe(JobStatus.Failed);
        state.Reason.ShouldBe(TerminationReason.NodeFailed);
        state.ReasonText.ShouldBe("node 0 (h1): exit code 1");
    }

    [Fact]
    public async Task OtherNode_FailingBeforeTheMasterIsKnown_EndsThisOneWithoutStartingIt()
    {
        await _h.SubmitAsync(Job);
        _h.Start();
        await _h.DriveUntilAsync(async () => await Runs.GetNodeAsync(_h.Repo, _h.RunName, 1, default) is not null, "node 1 to publish its address");

        await Runs.PutStateAsync(_h.Repo, _h.RunName, 0, new JobState
        {
            Status = JobStatus.Failed, Reason = TerminationReason.FailedToStart, Detail = "no such file", Host = "h1", UpdatedAt = _h.Clock.GetUtcNow(),
        }, default);
        await _h.FinishAsync();

        _h.Executor.Job.ShouldBeNull();
        (await _h.StateAsync())!.ReasonText.ShouldBe("node 0 (h1): failed to start: no such file");
    }
}
