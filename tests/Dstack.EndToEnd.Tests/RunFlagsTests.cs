using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// The original's provider flags of <c>dstack run</c> (<c>-e</c>, <c>-a</c>, <c>-w</c>, <c>-p</c>, <c>--gpu</c>, …) apply to
/// provider runs and override a workflow's values; what they do not know still reaches <c>${{ run.args }}</c>.
/// </summary>
public sealed class RunFlagsTests
{
    private const string Train = """
        workflows:
          - name: train
            provider: bash
            help: Trains
            env:
              - A=1
            commands:
              - echo "A=$A B=$B dir=${PWD##*/} port=${PORT_0:+set} args=${{ run.args }}"
              - mkdir -p model out && echo m > model/m.txt && echo o > out/o.txt
            artifacts:
              - model
        """;

    [Fact]
    public async Task Run_Bash_EnvFlag_ReachesTheCommand()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();

        var result = await sandbox.DstackAsync("run", "bash", "-c", "echo FOO=$FOO", "-e", "FOO=1");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("FOO=1\n");
    }

    [Fact]
    public async Task Run_Workflow_FlagsOverrideItsValues_AndOtherArgsReachRunArgs()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Train).WriteFile("sub/keep.txt", "").Commit();

        var result = await sandbox.DstackAsync("run", "train", "--epochs", "3", "-e", "B=2", "-a", "out", "-w", "sub", "-p", "1", "--", "-e", "x");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("A=1 B=2 dir=sub port=set args=--epochs 3 -e x\n");
        var artifacts = await sandbox.ArtifactsAsync(result.SubmittedRun);
        artifacts.Select(a => a.Artifact).Distinct().ShouldBe(["out"], string.Join(", ", artifacts));
    }

    [Fact]
    public async Task Run_Docker_EnvFlag_ReachesTheContainer()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();

        var result = await sandbox.DstackAsync("run", "docker", DockerImage.Busybox, "-c", "echo FOO=$FOO", "-e", "FOO=in-container");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("FOO=in-container\n");
    }

    [Fact]
    public async Task Run_GpuFlag_IsAppliedToTheRequest()
    {
        await using var sandbox = new Sandbox().WithoutGpus().WithWorkflows(Train).Commit();

        var result = await sandbox.DstackAsync("run", "train", "--gpu-name", "V100");

        result.ShouldBeOneErrorLine("Error: This run needs 1 GPU (V100); this machine has none.");
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--memory", "16XB", "Error: Invalid value '16XB' for option '--memory': unknown memory unit 'XB'")]
    [InlineData("-e", "1X=2", "Error: Invalid value '1X=2' for option '-e': '1X' is not a variable name")]
    [InlineData("-w", "../up", "Error: Invalid value '../up' for option '-w': it goes outside the repository with '..'")]
    public async Task Run_FlagWithAnInvalidValue_IsOneErrorLine(string flag, string value, string error)
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();

        var result = await sandbox.DstackAsync("run", "bash", "-c", "true", flag, value);

        result.ShouldBeOneErrorLine(error);
    }

    [Fact]
    public async Task Run_HelpAfterTheWorkflow_ShowsHelpAndRunsNothing_UnlessAfterDoubleDash()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Train).Commit();

        var help = await sandbox.DstackAsync("run", "train", "-h");
        var passed = await sandbox.DstackAsync("run", "train", "--", "-h");

        help.ExitCode.ShouldBe(0, help.ToString());
        help.StdOut.ShouldStartWith("Usage: dstack run ");
        help.StdOut.ShouldContain("-e, --env NAME=VALUE");
        help.StdErr.ShouldBeEmpty();
        passed.ExitCode.ShouldBe(0, passed.ToString());
        passed.StdOut.ShouldEndWith("args=-h\n");
        (await sandbox.PsAsync("-a")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task RunHelp_ShowsTheDockerForm()
    {
        await using var sandbox = new Sandbox();

        var help = await sandbox.DstackAsync("run", "--help");

        help.ExitCode.ShouldBe(0, help.ToString());
        help.StdOut.ShouldContain("dstack run [-d] [OPTIONS] docker IMAGE [-c 'COMMAND'] [ARGS...]");
    }
}
