using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// A repository shaped like the original's examples repository: many workflow files, some workflows for providers this
/// build does not have (torchrun) or with properties it does not know (ssh, cache). Those stop only
/// their own runs; every other workflow runs, with one warning line per invalid workflow.
/// </summary>
public sealed class ExamplesRepoTests
{
    private const string DevEnvironments = ".dstack/workflows/dev-environments.yaml";

    private static Sandbox NewSandbox() => new Sandbox()
        .WithWorkflows("""
            workflows:
              - name: download
                help: "Download the MNIST dataset"
                provider: bash
                env:
                  - PYTHONPATH=mnist
                commands:
                  - mkdir -p data && echo digits > data/mnist.txt
                artifacts:
                  - data

              - name: train
                help: "Train a MNIST model"
                deps:
                  - :mnist_data
                provider: bash
                commands:
                  - cat data/mnist.txt
            """)
        .WriteFile(DevEnvironments, """
            workflows:
              - name: ide-code
                help: "This workflows launches a VS Code dev environment."
                provider: code

              - name: ide-lab
                help: "This workflows launches a JupyterLab dev environment."
                provider: lab

              - name: ide-notebook
                provider: notebook

              - name: hello-ssh
                provider: bash
                commands:
                  - tail -f /dev/null
                ssh: true
            """)
        .WriteFile(".dstack/workflows/resources.yaml", """
            workflows:
              - name: shm-size
                help: "This workflow sets the size of the shared memory"
                provider: bash
                commands:
                  - df -H /dev/shm
                resources:
                  shm_size: 16GB

              - name: local-hello
                help: "This workflow runs locally by default"
                provider: bash
                commands:
                  - echo "Hello, world!"
                resources:
                  local: true
            """)
        .WriteFile(".dstack/workflows/pipelines.yaml", """
            workflows:
              - name: train-mnist-cached
                provider: bash
                commands:
                  - python pipelines/train.py
                cache:
                  - path: ./data
              - name: train-ddp
                provider: torchrun
                script: train.py
            """)
        .WriteFile(".dstack/workflows/envs.yaml", """
            workflows:
              - name: hello-env
                help: "This workflows sets environment variables"
                provider: bash
                env:
                  - DSTACK_ENV_1=VAL1
                commands:
                  - echo "DSTACK_ENV_1=$DSTACK_ENV_1"
            """)
        .Commit();

    private static readonly string[] Invalid = ["hello-ssh", "train-mnist-cached"];

    [Fact]
    public async Task Run_AValidWorkflow_RunsDespiteInvalidOthers_WithOneWarningLineEach()
    {
        await using var sandbox = NewSandbox();

        var hello = await sandbox.DstackAsync("run", "local-hello");
        var env = await sandbox.DstackAsync("run", "hello-env");

        hello.ExitCode.ShouldBe(0, hello.ToString());
        hello.StdOut.ShouldBe("Hello, world!\n");
        var warnings = hello.StdErr.Split('\n').Where(l => l.StartsWith("Warning: ", StringComparison.Ordinal)).ToList();
        warnings.Count.ShouldBe(Invalid.Length, hello.ToString());
        foreach (var name in Invalid) warnings.ShouldContain(w => w.StartsWith($"Warning: workflow '{name}' cannot run: ", StringComparison.Ordinal));
        warnings.ShouldContain(w => w.StartsWith($"Warning: workflow 'hello-ssh' cannot run: {DevEnvironments}:17:5: unknown property 'ssh'", StringComparison.Ordinal));
        env.ExitCode.ShouldBe(0, env.ToString());
        env.StdOut.ShouldBe("DSTACK_ENV_1=VAL1\n");
    }

    [Fact]
    public async Task Run_AProvider_RunsDespiteInvalidWorkflows()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "bash", "-c", "echo plain bash");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("plain bash\n");
    }

    [Fact]
    public async Task Run_AnInvalidWorkflow_IsItsOwnOneLineError_AndStoresNothing()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "hello-ssh");

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldStartWith($"Error: {DevEnvironments}:17:5: unknown property 'ssh'");
        result.StdErr.Trim().Split('\n').Length.ShouldBe(1, result.ToString());
        sandbox.StoredRepoFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_WithoutAName_ListsValidAndInvalidWorkflows_WithTheError()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldMatch(@"(?m)^\s+local-hello\s+This workflow runs locally by default$");
        result.StdOut.ShouldMatch(@"(?m)^\s+hello-env\s+This workflows sets environment variables$");
        result.StdOut.ShouldMatch(@"(?m)^\s+hello-ssh\s+\(invalid\) \.dstack/workflows/dev-environments\.yaml:17:5: unknown property 'ssh'");
        result.StdOut.ShouldMatch(@"(?m)^\s+train-ddp\s+(?!\(invalid\))");
    }

    [Fact]
    public async Task Run_AWorkflowInAFileThatCannotBeRead_IsThatFilesError_AndOtherWorkflowsRunWithAWarning()
    {
        await using var sandbox = NewSandbox();
        sandbox.WriteFile(".dstack/workflows/broken.yaml", "workflows:\n  - name: [unclosed\n").Commit();

        var missing = await sandbox.DstackAsync("run", "nowhere");
        var other = await sandbox.DstackAsync("run", "local-hello");

        missing.ShouldBeOneErrorLine("Error: .dstack/workflows/broken.yaml:");
        other.ExitCode.ShouldBe(0, other.ToString());
        other.StdErr.ShouldContain("(no workflow of this file can run)");
    }
}
