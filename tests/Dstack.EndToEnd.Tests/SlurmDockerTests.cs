using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Docker on the real Slurm test cluster: its nodes share this machine, where dockerd runs with <see cref="DockerImage.Busybox"/>
/// (scripts/docker-up.sh). A target added with <c>--docker</c> runs images on its nodes, in the CPUs of the allocation; one
/// whose nodes lack the feature <c>docker</c> refuses them at submit.
/// </summary>
[Collection("slurm cluster")]
public sealed class SlurmDockerTests
{
    private const string Workflows = $$"""
        workflows:
          - name: boxed
            provider: docker
            image: {{DockerImage.Busybox}}
            commands:
              - echo "in $(pwd) on $SLURMD_NODENAME cpus=$(grep Cpus_allowed_list /proc/self/status | cut -f2)"
            resources:
              cpu: 1
        """;

    [Fact]
    public async Task ADockerWorkflow_OnATargetWhoseNodesHaveDocker_RunsInAContainerOnANode_PinnedToItsAllocation()
    {
        await SlurmTestCluster.EnsureUpAsync();
        await using var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm", "--docker");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldContain("Docker on every node");
        TextTable.Parse((await ada.DstackAsync("config", "compute", "list")).StdOut).Single(r => r["NAME"] == "cluster")["SETTINGS"].ShouldBe("docker");
        ada.WithWorkflows(Workflows).Commit();

        var run = await ada.DstackAsync("run", "boxed", "--compute", "cluster");

        run.ExitCode.ShouldBe(0, run.ToString());
        // The container's working copy, Slurm's variables, and one CPU: the allocation's, not the machine's.
        run.StdOut.ShouldMatch(@"^in /workflow on n[12] cpus=\d+\n", run.ToString());
    }

    [Fact]
    public async Task ADockerWorkflow_OnATargetWhoseNodesLackDocker_IsRefusedAtSubmit_InOneLineNamingTheTargetAndTheFix()
    {
        await SlurmTestCluster.EnsureUpAsync();
        await using var ada = new Sandbox();
        (await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm")).ExitCode.ShouldBe(0);
        ada.WithWorkflows(Workflows).Commit();

        var run = await ada.DstackAsync("run", "boxed", "--compute", "cluster");

        run.ExitCode.ShouldNotBe(0);
        run.StdErr.ShouldContain($"No node of the Slurm cluster `cluster` has Docker: this run needs it for its image ({DockerImage.Busybox}).");
        run.StdErr.ShouldContain("add the target again with `--docker`");
        run.StdErr.Trim().Split('\n').Length.ShouldBe(1, run.ToString());
        (await ada.DstackAsync("ps", "-a")).StdOut.ShouldNotContain("boxed");
    }
}
