using System.Diagnostics;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class StopTests
{
    /// <summary>
    /// <c>trap</c> runs TERM traps in the job and in a background child; <c>stubborn</c> ignores TERM;
    /// in <c>checkpoint</c> the job's shell dies at once on TERM while its child takes seconds to save a checkpoint.
    /// Each records the child's pid in <c>$E2E_SIGNALS/child.pid</c> and signals "started".
    /// </summary>
    private const string TrapWorkflows = """
        workflows:
          - name: trap
            provider: bash
            commands:
              - |
                trap 'echo "job got TERM"; exit 0' TERM
                (trap 'echo "child got TERM"; exit 0' TERM; while true; do sleep 0.1 || true; done) &
                echo $! > "$E2E_SIGNALS/child.pid"
                touch "$E2E_SIGNALS/started"
                while true; do sleep 0.1 || true; done
          - name: stubborn
            provider: bash
            commands:
              - |
                trap 'echo "job ignores TERM"' TERM
                (trap '' TERM; while true; do sleep 0.1; done) &
                echo $! > "$E2E_SIGNALS/child.pid"
                touch "$E2E_SIGNALS/started"
                while true; do sleep 0.1 || true; done
          - name: checkpoint
            provider: bash
            commands:
              - |
                (trap 'trap "" TERM; echo "saving checkpoint"; sleep 2; echo "checkpoint saved"; exit 0' TERM; while true; do sleep 0.1 || true; done) &
                echo $! > "$E2E_SIGNALS/child.pid"
                touch "$E2E_SIGNALS/started"
                while true; do sleep 0.1; done
        """;

    [Fact]
    public async Task Stop_Graceful_SendsSigtermToTheWholeProcessGroup_AndWaitsForTheRunToEnd()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TrapWorkflows).Commit();
        var (run, pids) = await StartAsync(sandbox, "trap");

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        stop.StdErr.ShouldContain("OK");
        var row = await sandbox.RowAsync(run); // no waiting: stop returns once the run has finished
        row.Status.ShouldBe("Stopped", row.ToString());
        row.Reason.ShouldBe("stopped by user");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("job got TERM\n");
        logs.ShouldContain("child got TERM\n");
        await ShouldLeaveNoProcessAsync(pids);
    }

    [Fact]
    public async Task Stop_JobThatIgnoresSigterm_IsKilledOnceTheGracePeriodIsOver()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TrapWorkflows).Commit();
        var (run, pids) = await StartAsync(sandbox, "stubborn");

        var clock = Stopwatch.StartNew();
        var stop = await sandbox.DstackAsync("stop", "-y", run);
        clock.Stop();

        stop.ExitCode.ShouldBe(0, stop.ToString());
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(2.5), "the job has DSTACK_STOP_GRACE_SECONDS=3 to end after SIGTERM");
        stop.StdErr.ShouldContain($"Waiting up to 3 s for {run} to exit after SIGTERM; `dstack stop -x {run}` aborts at once.\n", Case.Sensitive, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        (await sandbox.DstackAsync("logs", run)).StdOut.ShouldContain("job ignores TERM\n");
        await ShouldLeaveNoProcessAsync(pids);
    }

    [Fact]
    public async Task Stop_Graceful_GivesEveryProcessOfTheJobTheGracePeriod_EvenAfterTheJobsShellHasExited()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TrapWorkflows).Commit();
        sandbox.Env["DSTACK_STOP_GRACE_SECONDS"] = "8";
        var (run, pids) = await StartAsync(sandbox, "checkpoint");

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("saving checkpoint\n");
        logs.ShouldContain("checkpoint saved\n");
        await ShouldLeaveNoProcessAsync(pids);
    }

    [Fact]
    public async Task Stop_Abort_KillsTheJobAtOnce_WithoutRunningItsTraps()
    {
        await using var sandbox = new Sandbox().WithWorkflows(TrapWorkflows).Commit();
        var (run, pids) = await StartAsync(sandbox, "trap");

        var stop = await sandbox.DstackAsync("stop", "-x", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        var row = await sandbox.RowAsync(run);
        row.Status.ShouldBe("Aborted", row.ToString());
        row.Reason.ShouldBe("aborted by user");
        (await sandbox.DstackAsync("logs", run)).StdOut.ShouldNotContain("got TERM");
        await ShouldLeaveNoProcessAsync(pids);
    }

    [Fact]
    public async Task Stop_All_StopsEveryUnfinishedRunOfTheRepo()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var done = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        var first = await sandbox.RunDetachedAsync("wait");
        var second = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForStatusAsync(first, s => s == "Running");
        await sandbox.WaitForStatusAsync(second, s => s == "Running");

        var stop = await sandbox.DstackAsync("stop", "-a", "-y");

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(first)).Status.ShouldBe("Stopped");
        (await sandbox.RowAsync(second)).Status.ShouldBe("Stopped");
        (await sandbox.RowAsync(done)).Status.ShouldBe("Done");
    }

    [Fact]
    public async Task Stop_WithoutYes_AnsweredNo_LeavesTheRunRunning()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");

        var stop = await sandbox.DstackAsync(["stop", run], stdin: "n\n");

        stop.ExitCode.ShouldBe(1, stop.ToString());
        stop.StdErr.ShouldContain($"Stop the run '{run}'? [y/N]");
        (await sandbox.RowAsync(run)).Status.ShouldBe("Running");
    }

    private static async Task<(string Run, Pids Pids)> StartAsync(Sandbox sandbox, string workflow)
    {
        var run = await sandbox.RunDetachedAsync(workflow);
        await sandbox.WaitForSignalAsync("started");
        var runnerPid = await sandbox.RunnerPidAsync(run);
        var jobPid = await sandbox.JobPidAsync(run);
        var childPid = int.Parse(File.ReadAllText(Path.Combine(sandbox.Signals, "child.pid")).Trim());
        Processes.IsAlive(jobPid).ShouldBeTrue("the job runs before the stop");
        Processes.InGroup(jobPid).ShouldContain(childPid, "the job's background child is in the job's process group");
        return (run, new Pids(runnerPid, jobPid, childPid));
    }

    /// <summary>The runner, the job's shell (its process group's leader), and a background child of the job.</summary>
    private sealed record Pids(int Runner, int Job, int Child);

    private static async Task ShouldLeaveNoProcessAsync(Pids pids)
    {
        await Processes.WaitGroupGoneAsync(pids.Job, "the job");
        Processes.IsAlive(pids.Job).ShouldBeFalse();
        Processes.IsAlive(pids.Child).ShouldBeFalse();
        await Processes.WaitGoneAsync(pids.Runner, "the runner");
    }
}
