using Dstack.Core.Models;
using Dstack.Core.Providers;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Providers;

/// <summary>What the torchrun provider (and <c>nodes</c> on bash) builds: one job per node, each launching torchrun.</summary>
public sealed class TorchrunProviderTests
{
    private static IReadOnlyList<JobSpec> Build(string provider, string body, params string[] args) =>
        (provider == "torchrun" ? (IProvider)new TorchrunProvider() : new BashProvider())
        .BuildJobs(WorkflowLoader.Parse(".dstack/workflows.yaml", $"workflows:\n  - name: w\n    provider: {provider}\n{body}").Find("w")!,
            new ProviderContext("run-1", args, new Dictionary<string, string>()));

    [Fact]
    public void Nodes_GiveOneJobPerNode_RankedFromZero()
    {
        var jobs = Build("bash", "    nodes: 3\n    commands: [hostname]\n");

        jobs.Select(j => j.Index).ShouldBe([0, 1, 2]);
        jobs.ShouldAllBe(j => j.Nodes == 3 && j.Commands.SequenceEqual(new[] { "hostname" }));
    }

    [Fact]
    public void Torchrun_LaunchesTheScriptWithEveryNodesRankAndTheAgreedMaster()
    {
        var launch = Build("torchrun", "    nodes: 2\n    script: my train.py\n    before_run: [echo prep]\n").Select(j => j.Commands.Last()).Distinct().Single();

        launch.ShouldContain("--nnodes \"$DSTACK_NODES_NUM\" --node_rank \"$DSTACK_NODE_RANK\" --nproc_per_node 1 " +
                             "--master_addr \"$MASTER_ADDR\" --master_port \"$MASTER_PORT\" --redirects 2 --tee 2");
        launch.ShouldContain("'my train.py'");
        Build("torchrun", "    script: t.py\n    before_run: [echo prep]\n")[0].Commands.ShouldContain("echo prep");
    }

    [Fact]
    public void Torchrun_NprocDefaultsToTheRequestedGpus() =>
        Build("torchrun", "    script: t.py\n    resources:\n      gpu: 2\n")[0].Commands.Last().ShouldContain("--nproc_per_node 2 ");

    [Fact]
    public void Torchrun_WithoutArgs_PassesTheRunsArgumentsToTheScript()
    {
        var job = Build("torchrun", "    script: t.py\n", "--lr", "0.1 x")[0];

        job.Commands[0].ShouldBe(ShellArgs.Preamble(["--lr", "0.1 x"]));
        job.Commands.Last().ShouldEndWith(" t.py \"$@\"");
    }

    [Fact]
    public void Torchrun_FromTheCommandLine_TakesTheScriptFirst()
    {
        var (workflow, args) = new TorchrunProvider().FromArgs(["train.py", "--steps", "3"]);

        workflow.Script.ShouldBe("train.py");
        args.ShouldBe(["--steps", "3"]);
    }
}
