using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>A runner killed outright (SIGKILL, OOM killer, reboot) never leaves a run unfinished nor its job running.</summary>
public sealed class RunnerLostTests
{
    [Fact]
    public async Task KilledRunner_MakesTheNextPsShowFailedRunnerLost_AndEndsTheJob()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");
        var runnerPid = await sandbox.RunnerPidAsync(run);
        var jobPid = await sandbox.JobPidAsync(run);
        Processes.CommandLine(runnerPid).ShouldEndWith($"runner --repo acme/widgets --run {run} --job 0");
        Processes.IsAlive(jobPid).ShouldBeTrue();

        Processes.Signal(runnerPid, "KILL");
        await Processes.WaitGoneAsync(runnerPid, "the runner");
        var row = await sandbox.RowAsync(run);

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("runner lost");
        await Processes.WaitGroupGoneAsync(jobPid, "the job");
        Processes.IsAlive(jobPid).ShouldBeFalse();
    }

    [Fact]
    public async Task AttachedRun_WhoseRunnerIsKilled_EndsAsRunnerLost()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        await using var live = sandbox.StartLive("run", "wait");
        await live.WaitForStdOutAsync("working\n");
        var run = await live.SubmittedRunAsync();
        var jobPid = await sandbox.JobPidAsync(run);

        Processes.Signal(await sandbox.RunnerPidAsync(run), "KILL");
        var result = await live.WaitForExitAsync();

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldContain("runner lost");
        (await sandbox.RowAsync(run)).Status.ShouldBe("Failed");
        await Processes.WaitGroupGoneAsync(jobPid, "the job");
    }
}
