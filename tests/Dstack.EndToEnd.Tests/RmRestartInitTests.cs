using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class RmRestartInitTests
{
    [Fact]
    public async Task Rm_FinishedRun_RemovesItsFolderUnderDstackHome()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        var kept = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        Directory.Exists(sandbox.RunDir(run)).ShouldBeTrue();

        var rm = await sandbox.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(0, rm.ToString());
        Directory.Exists(sandbox.RunDir(run)).ShouldBeFalse();
        Directory.Exists(sandbox.RunDir(kept)).ShouldBeTrue();
        (await sandbox.PsAsync("-a")).Select(r => r.Run).ShouldBe([kept]);
        var logs = await sandbox.DstackAsync("logs", run);
        logs.ExitCode.ShouldBe(1, logs.ToString());
        logs.StdErr.ShouldContain($"Run '{run}' not found");
    }

    [Fact]
    public async Task RmAll_TwoRunsOfTheSameUncommittedEdits_RemovesBoth()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).WriteFile("train.py", "print(1)\n").Commit();
        sandbox.WriteFile("train.py", "print(2)\n"); // not committed: both runs store the same diff
        var first = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;
        var second = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;

        var rm = await sandbox.DstackAsync("rm", "-a", "-y");

        rm.ExitCode.ShouldBe(0, rm.ToString());
        rm.StdErr.ShouldEndWith("OK\n");
        Directory.Exists(sandbox.RunDir(first)).ShouldBeFalse();
        Directory.Exists(sandbox.RunDir(second)).ShouldBeFalse();
    }

    [Fact]
    public async Task Rm_ARunNameThatLeavesItsFolder_IsAnInvalidRunName()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();

        foreach (var verb in new[] { "rm", "logs", "ps", "stop", "restart" })
        {
            var result = await sandbox.DstackAsync(verb, "..");

            result.ExitCode.ShouldBe(1, result.ToString());
            result.StdErr.ShouldStartWith("Error: Invalid run name '..': ", Case.Sensitive, $"dstack {verb} ..: {result}");
            result.StdErr.TrimEnd().ShouldNotContain("\n", customMessage: result.ToString());
        }
    }

    [Fact]
    public async Task Rm_UnfinishedRun_IsRefusedAndKept()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");

        var rm = await sandbox.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(1, rm.ToString());
        rm.StdErr.ShouldStartWith($"Error: The run '{run}' is not finished yet.", Case.Sensitive);
        Directory.Exists(sandbox.RunDir(run)).ShouldBeTrue();
        (await sandbox.RowAsync(run)).Status.ShouldBe("Running");
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
    }

    [Fact]
    public async Task Restart_RunsTheSameSnapshotUnderANewName_WithoutEditsMadeSince()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: show
                provider: bash
                commands:
                  - echo "data=$(cat data.txt) run=$RUN_NAME"
            """).WriteFile("data.txt", "v1").Commit();
        var first = await sandbox.DstackAsync("run", "show");
        var run = first.SubmittedRun;
        sandbox.WriteFile("data.txt", "v2").Commit("v2");

        var restart = await sandbox.DstackAsync("restart", run);
        var detached = await sandbox.DstackAsync("restart", "-d", run);

        first.StdOut.ShouldBe($"data=v1 run={run}\n");
        restart.ExitCode.ShouldBe(0, restart.ToString());
        var again = restart.SubmittedRun;
        again.ShouldNotBe(run);
        restart.StdOut.ShouldBe($"data=v1 run={again}\n");
        detached.ExitCode.ShouldBe(0, detached.ToString());
        var third = detached.StdOut.Trim();
        third.ShouldMatch("^[a-z]+-[a-z]+-[0-9]+$");
        new[] { run, again }.ShouldNotContain(third);
        (await sandbox.WaitFinishedAsync(third)).Status.ShouldBe("Done");
        (await sandbox.DstackAsync("logs", third)).StdOut.ShouldBe($"data=v1 run={third}\n");
        (await sandbox.PsAsync("-a")).Select(r => r.Run).ShouldBe([third, again, run]);
    }

    [Fact]
    public async Task Init_InARepoWithoutWorkflows_WritesAHelloWorkflowThatRuns()
    {
        await using var sandbox = new Sandbox();

        var init = await sandbox.DstackAsync("init");
        var run = await sandbox.DstackAsync("run", "hello");

        init.ExitCode.ShouldBe(0, init.ToString());
        File.ReadAllText(Path.Combine(sandbox.Repo, ".dstack", "workflows.yaml")).ShouldContain("- name: hello");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.StdOut.ShouldBe($"Hello from {run.SubmittedRun}\n");
    }

    [Fact]
    public async Task Init_WithWorkflowsAlreadyDefined_LeavesThemUntouched()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait);

        var init = await sandbox.DstackAsync("init");

        init.ExitCode.ShouldBe(0, init.ToString());
        File.ReadAllText(Path.Combine(sandbox.Repo, ".dstack", "workflows.yaml")).ShouldBe(Workflows.HelloAndWait);
    }

    [Fact]
    public async Task Delete_IsTheOriginalsNameForRm()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;

        var delete = await sandbox.DstackAsync("delete", "-y", run);

        delete.ExitCode.ShouldBe(0, delete.ToString());
        Directory.Exists(sandbox.RunDir(run)).ShouldBeFalse();
        (await sandbox.DstackAsync("--help")).StdOut.ShouldContain("(also: delete)");
    }

    [Fact]
    public async Task Restart_RunNameInTheWorkflow_IsTheNewRunsName()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: named
                provider: bash
                commands:
                  - echo "name=${{ run.name }} env=$RUN_NAME"
                  - mkdir -p "out/${{ run.name }}" && echo x > "out/${{ run.name }}/f.txt"
                artifacts:
                  - out
            """).Commit();
        var first = (await sandbox.DstackAsync("run", "named")).SubmittedRun;

        var restart = await sandbox.DstackAsync("restart", first);

        restart.ExitCode.ShouldBe(0, restart.ToString());
        var second = restart.SubmittedRun;
        second.ShouldNotBe(first);
        restart.StdOut.ShouldBe($"name={second} env={second}\n");
    }
}
