using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class DockerTests
{
    private const string Workflows = $$"""
        workflows:
          - name: inside
            provider: docker
            image: {{DockerImage.Busybox}}
            working_dir: src
            env:
              - GREETING=hello
            commands:
              - echo "$GREETING from $RUN_NAME in $(pwd)"
              - cat /workflow/src/data.txt
              - mkdir -p out && echo weights > out/model.bin
              - exit 3
            artifacts:
              - path: out
          - name: bash-in-image
            provider: bash
            image: {{DockerImage.Busybox}}
            commands:
              - busybox | head -1
          - name: own-command
            provider: docker
            image: {{DockerImage.Busybox}}
          - name: server
            provider: docker
            image: {{DockerImage.Busybox}}
            ports: 1
            commands:
              - mkdir -p /tmp/www && echo served > /tmp/www/index.html
              - httpd -f -p $PORT_0 -h /tmp/www
          # A container ends with its main process, so the job waits for its child to finish its own trap.
          - name: trap
            provider: docker
            image: {{DockerImage.Busybox}}
            commands:
              - |
                trap 'echo "job got TERM"; wait; exit 0' TERM
                (trap 'echo "child got TERM"; exit 0' TERM; while true; do sleep 0.1; done) &
                touch /workflow/started
                while true; do sleep 0.1; done
          - name: missing
            provider: docker
            image: nobody/nothing:1
          - name: path
            provider: docker
            image: {{DockerImage.Busybox}}
            env:
              - PATH=$PATH:/opt/tools
              - TOOLS=${PATH}
            commands:
              - echo "$PATH | $TOOLS"
        """;

    private static Sandbox NewSandbox() =>
        new Sandbox().WithWorkflows(Workflows).WriteFile("src/data.txt", "the data\n").Commit();

    [Fact]
    public async Task Docker_EnvReferences_ReadTheImagesEnvironment()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "path");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("/bin:/opt/tools | /bin:/opt/tools\n", "the image's PATH is /bin (scripts/docker-up.sh)");
    }

    [Fact]
    public async Task Docker_RunsTheCommandsInTheImage_WithTheCodeAtWorkflowAndTheJobsExitCode()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "inside");

        result.ExitCode.ShouldBe(3, result.ToString());
        result.StdOut.ShouldMatch(@"hello from [a-z]+-[a-z]+-\d+ in /workflow/src\nthe data\n");
        var run = result.SubmittedRun;
        (await sandbox.DstackAsync("artifacts", "list", run)).StdOut.ShouldContain("model.bin");
        DockerImage.Containers(run).ShouldBeEmpty();
    }

    [Fact]
    public async Task BashWithAnImage_RunsInAContainer_AndWithoutCommandsTheImagesOwnCommandRuns()
    {
        await using var sandbox = NewSandbox();

        var bash = await sandbox.DstackAsync("run", "bash-in-image");
        var own = await sandbox.DstackAsync("run", "own-command");

        bash.ExitCode.ShouldBe(0, bash.ToString());
        bash.StdOut.ShouldStartWith("BusyBox v");
        own.ExitCode.ShouldBe(0, own.ToString());
    }

    [Fact]
    public async Task Ports_ArePublishedOnLoopback_WithTheSameNumberInsideAndOutside()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("server");
        var row = await Eventually.ReturnsAsync(() => sandbox.RowAsync(run), r => r.Reason.StartsWith("http://127.0.0.1:"), TimeSpan.FromSeconds(30), "the port URL in ps");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        var body = await Eventually.ReturnsAsync(async () =>
        {
            try { return await http.GetStringAsync(row.Reason.Split(' ')[0]); }
            catch (HttpRequestException) { return ""; }
            catch (TaskCanceledException) { return ""; }
        }, b => b.Length > 0, TimeSpan.FromSeconds(30), "the server in the container to answer");

        body.ShouldBe("served\n");
        (await sandbox.DstackAsync("stop", "-y", run)).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Stop_Graceful_SignalsEveryProcessInTheContainer_AndRemovesIt()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("trap");
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(DockerImage.WorkingCopy(sandbox, run), "started")), TimeSpan.FromSeconds(30), "the job to start");

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("job got TERM");
        logs.ShouldContain("child got TERM");
        DockerImage.Containers(run).ShouldBeEmpty();
    }

    [Fact]
    public async Task RunnerKilled_TheNextPsRemovesTheContainer()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("trap");
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(DockerImage.WorkingCopy(sandbox, run), "started")), TimeSpan.FromSeconds(30), "the job to start");
        DockerImage.Containers(run).ShouldBe([DockerImage.ContainerName(run)]);

        Processes.Signal(await sandbox.RunnerPidAsync(run), "KILL");
        var row = await sandbox.WaitFinishedAsync(run);

        row.Status.ShouldBe("Failed");
        row.Reason.ShouldBe("runner lost");
        DockerImage.Containers(run).ShouldBeEmpty();
    }

    [Fact]
    public async Task MissingImage_FailsAtSubmit_SayingHowToBuildOrLoadIt()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "missing");

        result.ShouldBeOneErrorLine("Error: Image 'nobody/nothing:1' is not on this machine and cannot be pulled");
        result.StdErr.ShouldContain("docker build -t nobody/nothing:1");
        result.StdErr.ShouldContain("docker load");
        Directory.Exists(sandbox.ReposDir).ShouldBeFalse();
    }

    [Fact]
    public async Task DockerDaemonNotAnswering_FailsAtSubmit_NotAHungRun()
    {
        await using var sandbox = NewSandbox();
        sandbox.Env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";

        var result = await sandbox.DstackAsync("run", "inside");

        result.ShouldBeOneErrorLine("Error: The Docker daemon is not running");
        Directory.Exists(sandbox.ReposDir).ShouldBeFalse();
    }
}
