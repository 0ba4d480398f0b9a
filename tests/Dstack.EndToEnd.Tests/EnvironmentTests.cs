using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>The job's environment (docs/ENVIRONMENT.md): what dstack sets, and system &lt; workflow env &lt; secrets.</summary>
public sealed class EnvironmentTests
{
    private const string ShowEnv = """
        workflows:
          - name: env
            provider: bash
            ports: 2
            commands:
              - echo "run=$RUN_NAME job=$JOB_ID"
              - echo "repo=$REPO_OWNER/$REPO_NAME branch=$REPO_BRANCH commit=$REPO_COMMIT"
              - echo "unbuffered=$PYTHONUNBUFFERED hostname=$HOSTNAME"
              - echo "ports=$PORT_0 $PORT_1 third=${PORT_2-unset}"
              - echo "cuda=${CUDA_VISIBLE_DEVICES-unset}"
        """;

    [Fact]
    public async Task Run_SetsTheRunRepoHostAndPortVariables_OverTheCallersValues()
    {
        await using var sandbox = new Sandbox().WithoutGpus().WithWorkflows(ShowEnv).Commit();
        sandbox.Git("checkout", "-q", "-b", "feature/env");
        var commit = sandbox.Git("rev-parse", "HEAD").Trim();
        sandbox.Env["RUN_NAME"] = "from-the-caller";
        sandbox.Env["PYTHONUNBUFFERED"] = "0";
        sandbox.Env["HOSTNAME"] = "callers-laptop";

        var result = await sandbox.DstackAsync("run", "env");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(5, result.ToString());
        lines[0].ShouldBe($"run={run} job={run}-0");
        lines[1].ShouldBe($"repo=acme/widgets branch=feature/env commit={commit}");
        lines[2].ShouldBe("unbuffered=1 hostname=127.0.0.1");
        lines[3].ShouldMatch(@"^ports=\d+ \d+ third=unset$");
        var ports = lines[3]["ports=".Length..].Split(' ')[..2].Select(int.Parse).ToList();
        ports.ShouldAllBe(p => p > 0 && p < 65536);
        ports.Distinct().Count().ShouldBe(2, lines[3]);
        lines[4].ShouldBe("cuda=unset", "a machine without GPUs sets no CUDA_VISIBLE_DEVICES");
    }

    [Fact]
    public async Task Run_OnAMachineWithGpus_AJobThatAskedForNoneGetsAnEmptyCudaVisibleDevices()
    {
        await using var sandbox = new Sandbox().WithFakeGpus(Sandbox.TwoA100s).WithWorkflows("""
            workflows:
              - name: env
                provider: bash
                commands:
                  - echo "cuda=[${CUDA_VISIBLE_DEVICES-unset}]"
            """).Commit();
        sandbox.Env["CUDA_VISIBLE_DEVICES"] = "0,1";

        var result = await sandbox.DstackAsync("run", "env");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("cuda=[]\n");
    }

    [Fact]
    public async Task Run_WorkflowEnvOverridesTheCallersEnvironment_AndASecretOverridesTheWorkflowEnv()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: env
                provider: bash
                env:
                  - SHARED=from-workflow
                  - TOKEN=from-workflow
                  - DERIVED=$CALLER_ONLY+$SHARED
                commands:
                  - echo "shared=$SHARED derived=$DERIVED caller=$CALLER_ONLY"
                  - echo "token=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
            """).Commit();
        sandbox.Env["SHARED"] = "from-caller";
        sandbox.Env["TOKEN"] = "from-caller";
        sandbox.Env["CALLER_ONLY"] = "kept";
        (await sandbox.DstackAsync("secrets", "add", "TOKEN", "from-secret")).ExitCode.ShouldBe(0);

        var result = await sandbox.DstackAsync("run", "env");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe($"shared=from-workflow derived=kept+from-workflow caller=kept\ntoken={Sandbox.Sha256Of("from-secret")}\n");
    }
}
