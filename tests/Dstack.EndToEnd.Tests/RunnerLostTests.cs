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

    private static readonly string LostAndLive = $"""
        workflows:
          - name: lost
            provider: bash
            commands:
              - {Sandbox.SendSignal("lost-started")}
              - {Sandbox.AwaitSignal("never")}
          - name: live
            provider: bash
            commands:
              - {Sandbox.SendSignal("live-started")}
              - {Sandbox.AwaitSignal("go")}
              - cat README.md
        """;

    private static string WorkingCopy(Sandbox sandbox, string run) => Path.Combine(sandbox.Home, "tmp", "work", $"acme.widgets.{run}.0");

    private static async Task<string> LoseRunnerAsync(Sandbox sandbox)
    {
        var run = await sandbox.RunDetachedAsync("lost");
        await sandbox.WaitForSignalAsync("lost-started");
        var runnerPid = await sandbox.RunnerPidAsync(run);
        Processes.Signal(runnerPid, "KILL");
        await Processes.WaitGoneAsync(runnerPid, "the runner");
        (await sandbox.RowAsync(run)).Reason.ShouldBe("runner lost");
        Directory.Exists(WorkingCopy(sandbox, run)).ShouldBeTrue("a killed runner cannot clean up after itself");
        return run;
    }

    [Fact]
    public async Task Rm_OfARunWhoseRunnerWasLost_RemovesItsWorkingCopy()
    {
        await using var sandbox = new Sandbox().WithWorkflows(LostAndLive).WriteFile("README.md", "readme\n").Commit();
        var run = await LoseRunnerAsync(sandbox);

        var rm = await sandbox.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(0, rm.ToString());
        Directory.Exists(WorkingCopy(sandbox, run)).ShouldBeFalse();
        Directory.EnumerateFileSystemEntries(Path.Combine(sandbox.Home, "tmp", "work")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Gc_RemovesTheWorkingCopiesOfLostRunners_AndNeverALiveRunnersOne()
    {
        await using var sandbox = new Sandbox().WithWorkflows(LostAndLive).WriteFile("README.md", "readme\n").Commit();
        var lost = await LoseRunnerAsync(sandbox);
        var live = await sandbox.RunDetachedAsync("live");
        await sandbox.WaitForSignalAsync("live-started");

        var gc = await sandbox.DstackAsync("gc", "--older-than", "0s");

        gc.ExitCode.ShouldBe(0, gc.ToString());
        gc.StdErr.ShouldContain("Removed 1 working copy left by runners that are gone.");
        Directory.Exists(WorkingCopy(sandbox, lost)).ShouldBeFalse();
        Directory.Exists(WorkingCopy(sandbox, live)).ShouldBeTrue();
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(live)).Status.ShouldBe("Done");
        (await sandbox.DstackAsync("logs", live)).StdOut.ShouldBe("readme\n");
    }
}
