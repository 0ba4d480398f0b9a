using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class RunTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            help: Says hello
            commands:
              - echo "hello from $RUN_NAME args=${{ run.args }}"
          - name: fail
            provider: bash
            commands:
              - echo before
              - exit 7
              - echo never
        """;

    [Fact]
    public async Task Run_Hello_StreamsLogsAndExitsZero()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).Commit();

        var result = await sandbox.DstackAsync("run", "hello", "a", "b c");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch(@"hello from [a-z]+-[a-z]+-\d+ args=a 'b c'\n");
    }

    [Fact]
    public async Task Run_FailingCommand_ExitsWithTheJobsCodeAndStopsAtTheFailure()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).Commit();

        var result = await sandbox.DstackAsync("run", "fail");

        result.ExitCode.ShouldBe(7, result.ToString());
        result.StdOut.ShouldContain("before");
        result.StdOut.ShouldNotContain("never");
        result.StdErr.ShouldContain("exit code 7");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(42)]
    public async Task Run_BashCommand_ExitsWithTheJobsExitCode(int code)
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();

        var result = await sandbox.DstackAsync("run", "bash", "-c", $"echo 'about to exit'; exit {code}");

        result.ExitCode.ShouldBe(code, result.ToString());
        result.StdOut.ShouldBe("about to exit\n");
    }

    [Fact]
    public async Task Run_Detached_PrintsOnlyTheRunName_WhileTheRunGoesOn()
    {
        await using var sandbox = new Sandbox().WithWorkflows($"""
            workflows:
              - name: wait
                provider: bash
                commands:
                  - {Sandbox.AwaitSignal("go")}
                  - echo finished
            """).Commit();

        var result = await sandbox.DstackAsync("run", "-d", "wait");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch("^[a-z]+-[a-z]+-[0-9]+\n$");
        var run = result.StdOut.Trim();
        (await sandbox.WaitForStatusAsync(run, s => s == "Running")).ShouldBe("Running");
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        (await sandbox.DstackAsync("logs", run)).StdOut.ShouldBe("finished\n");
    }

    [Fact]
    public async Task Run_SetsTheRunAndRepoVariables_AndTheWorkflowEnv()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: env
                provider: bash
                env:
                  - GREETING=hello $RUN_NAME
                  - CALLER_TOKEN
                commands:
                  - echo "run=$RUN_NAME job=$JOB_ID repo=$REPO_OWNER/$REPO_NAME branch=$REPO_BRANCH commit=$REPO_COMMIT"
                  - echo "unbuffered=$PYTHONUNBUFFERED hostname=$HOSTNAME"
                  - echo "greeting=$GREETING token=$CALLER_TOKEN"
            """).Commit();
        sandbox.Env["CALLER_TOKEN"] = "s3cret";
        var commit = sandbox.Git("rev-parse", "HEAD").Trim();

        var result = await sandbox.DstackAsync("run", "env");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        result.StdOut.ShouldContain($"run={run} job={run}-0 repo=acme/widgets branch=main commit={commit}\n");
        result.StdOut.ShouldMatch("unbuffered=1 hostname=[^\\s]+\n");
        result.StdOut.ShouldContain($"greeting=hello {run} token=s3cret\n");
    }

    [Fact]
    public async Task Run_WithoutAnOriginRemote_FilesTheRunUnderLocalAndTheFolderName()
    {
        await using var sandbox = new Sandbox(origin: "").WriteFile("README.md", "widgets").Commit();

        var result = await sandbox.DstackAsync("run", "bash", "-c", "echo \"repo=$REPO_OWNER/$REPO_NAME\"");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("repo=local/widgets\n");
        Directory.Exists(sandbox.RunDir(result.SubmittedRun, owner: "local", name: "widgets")).ShouldBeTrue();
    }

    [Fact]
    public async Task Run_OutsideAGitRepository_RunsTheFolderWithANote()
    {
        await using var sandbox = new Sandbox(git: false).WriteFile("data.txt", "plain folder").WithWorkflows("""
            workflows:
              - name: show
                provider: bash
                commands:
                  - echo "data=$(cat data.txt) repo=$REPO_OWNER/$REPO_NAME"
            """);

        var result = await sandbox.DstackAsync("run", "show");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdErr.ShouldMatch("(?m)^Note: .*widgets is not a git repository");
        result.StdOut.ShouldBe("data=plain folder repo=local/widgets\n");
    }

    [Fact]
    public async Task Run_WithATag_ThatEndsFailed_SaysTheTagWasNotApplied()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Hello).Commit();

        var result = await sandbox.DstackAsync("run", "-t", "best", "fail");

        result.ExitCode.ShouldBe(7, result.ToString());
        var run = result.SubmittedRun;
        result.StdErr.ShouldContain($"The tag 'best' was not applied: it goes on a run that ends done. Tag it anyway with: dstack tags add best {run}\n");
        (await sandbox.DstackAsync("tags")).StdOut.ShouldNotContain("best");
        (await sandbox.DstackAsync("ps", run)).StdOut.ShouldContain("Tag:    best (not applied: the run did not end done)\n");
    }

    [Fact]
    public async Task Run_InterruptibleAndShmSize_SayOnceInOneLineThatTheyHaveNoEffectHere()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: spot
                provider: bash
                commands: [echo ran]
                resources:
                  interruptible: true
                  shm_size: 1GB
            """).Commit();

        var result = await sandbox.DstackAsync("run", "spot");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("ran\n");
        result.StdErr.Split('\n').Where(l => l.Contains("no effect")).ShouldBe(
            ["Note: interruptible has no effect on this machine; shm_size applies to containers only."]);
    }
}
