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
              - echo "unbuffered=$PYTHONUNBUFFERED hostname=$HOSTNAME job_hostname=$JOB_HOSTNAME"
              - echo "ports=$PORT_0 $PORT_1 third=${PORT_2-unset}"
              - echo "job_ports=$JOB_PORT_0 $JOB_PORT_1"
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
        lines.Length.ShouldBe(6, result.ToString());
        lines[0].ShouldBe($"run={run} job={run}-0");
        lines[1].ShouldBe($"repo=acme/widgets branch=feature/env commit={commit}");
        lines[2].ShouldBe("unbuffered=1 hostname=127.0.0.1 job_hostname=127.0.0.1");
        lines[3].ShouldMatch(@"^ports=\d+ \d+ third=unset$");
        var ports = lines[3]["ports=".Length..].Split(' ')[..2].Select(int.Parse).ToList();
        ports.ShouldAllBe(p => p > 0 && p < 65536);
        ports.Distinct().Count().ShouldBe(2, lines[3]);
        lines[4].ShouldBe($"job_ports={ports[0]} {ports[1]}", "the 0.0.x names of the same ports");
        lines[5].ShouldBe("cuda=unset", "a machine without GPUs sets no CUDA_VISIBLE_DEVICES");
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
    public async Task Run_WorkflowEnvReferencesSeeNothingOfTheCallersEnvironment_AndASecretOverridesTheWorkflowEnv()
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
        result.StdOut.ShouldBe($"shared=from-workflow derived=+from-workflow caller=\ntoken={Sandbox.Sha256Of("from-secret")}\n");
    }

    /// <summary>What a host job may find in its environment besides what dstack sets (docs/ENVIRONMENT.md), and bash's own.</summary>
    private static readonly string[] Documented =
    [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
        "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        "RUN_NAME", "JOB_ID", "REPO_OWNER", "REPO_NAME", "REPO_BRANCH", "REPO_COMMIT", "PYTHONUNBUFFERED", "HOSTNAME", "JOB_HOSTNAME",
        "CUDA_VISIBLE_DEVICES", "E2E_SIGNALS", "PWD", "OLDPWD", "SHLVL", "_",
        // Every run is rank 0 of its nodes (docs/NODES.md).
        "DSTACK_NODE_RANK", "DSTACK_NODES_NUM", "DSTACK_MASTER_NODE_IP", "DSTACK_NODES_IPS", "DSTACK_GPUS_PER_NODE", "DSTACK_GPUS_NUM",
        "MASTER_ADDR", "MASTER_PORT",
        // 1 unless a scheduler requeued the job (docs/SLURM.md).
        "DSTACK_ATTEMPT",
    ];

    [Fact]
    public async Task Run_HostJob_GetsTheDocumentedEnvironmentOnly_NeverTheCallersCredentials()
    {
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();
        sandbox.Env["AWS_ACCESS_KEY_ID"] = "AKIAE2EJOBENV";
        sandbox.Env["AWS_SECRET_ACCESS_KEY"] = "e2e-aws-secret-for-the-store";
        sandbox.Env["GITHUB_TOKEN"] = "ghp_e2e";
        sandbox.Env["CALLER_ONLY"] = "x";

        var result = await sandbox.DstackAsync("run", "bash", "-c", "env -0 | tr '\\0\\n' '\\n ' | cut -d= -f1");

        result.ExitCode.ShouldBe(0, result.ToString());
        var names = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        names.ShouldContain("PATH");
        names.ShouldContain("RUN_NAME");
        names.Where(n => !Documented.Contains(n) && !n.StartsWith("LC_", StringComparison.Ordinal)).ShouldBeEmpty(result.StdOut);
    }

    [Fact]
    public async Task Run_BareEnvName_TakesTheCallersValue_AndIsExportedEmptyWhenTheCallerHasNone()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: env
                provider: bash
                env:
                  - CALLER_SET
                  - CALLER_UNSET
                commands:
                  - echo "set=[$CALLER_SET] unset=[${CALLER_UNSET-not exported}]"
            """).Commit();
        sandbox.Env["CALLER_SET"] = "a $HOME b";

        var result = await sandbox.DstackAsync("run", "env");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("set=[a $HOME b] unset=[]\n");
    }

    [Fact]
    public async Task Run_StoreCredentialsAJobFinds_AreMaskedInItsLogs()
    {
        const string Key = "e2e/Secret+Access+Key/0123456789";
        await using var sandbox = new Sandbox().WriteFile("README.md", "widgets").Commit();
        sandbox.Env["AWS_ACCESS_KEY_ID"] = "AKIAE2EJOBENV";
        sandbox.Env["AWS_SECRET_ACCESS_KEY"] = Key;
        // The job never gets them in its environment, but may find them, e.g. in a credentials file.
        var file = Path.Combine(sandbox.Root, "credentials");
        File.WriteAllText(file, $"aws_access_key_id=AKIAE2EJOBENV\naws_secret_access_key={Key}\n");

        var result = await sandbox.DstackAsync("run", "bash", "-c", $"cat {file}; sed -n 's/^aws_secret_access_key=//p' {file} | tr -d '\\n' | base64");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("aws_access_key_id=***\naws_secret_access_key=***\n***\n");
        sandbox.FilesOutsideTheSecretStoreContaining("aws_secret_access_key=").ShouldNotBeEmpty("the logs are among the files searched");
        sandbox.FilesOutsideTheSecretStoreContaining(Key).ShouldBeEmpty();
    }
}
