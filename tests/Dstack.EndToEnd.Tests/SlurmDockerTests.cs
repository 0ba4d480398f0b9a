using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// Docker on the real Slurm test cluster: its nodes share this machine, where dockerd runs with <see cref="DockerImage.Busybox"/>
/// (scripts/docker-up.sh). A target added with <c>--docker</c> runs images on its nodes, in the CPUs of the allocation; one
/// whose nodes lack the feature <c>docker</c> refuses them at submit. A two-node run with an image has a container on each
/// node, on the node's network (multi mode: both nodes are this machine, their names 127.0.0.1).
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
        """ + "\n" + NodeWorkflows.InContainers;

    // Two runners start through srun and meet through the store on the loaded machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private static async Task<Sandbox> DockerClusterUserAsync()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm", "--docker");
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows).Commit();
        return ada;
    }

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

    [Fact]
    public async Task InContainers_OnTwoSlurmNodes_TheNodesMeetAtMasterAddrAndPort_AndNoContainerRemains()
    {
        await using var ada = await DockerClusterUserAsync();

        var run = await ada.RunDetachedAsync("in-containers", "--compute", "cluster");
        var row = await ada.WaitFinishedAsync(run, Deadline);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        logs.ShouldContain("[node 0] rank 0 of 2 in ", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 of 2 in ", Case.Sensitive, logs);
        logs.ShouldContain("[node 0] hello from rank 1", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 sent", Case.Sensitive, logs);
        (await ada.DstackAsync("logs", "--node", "0", run)).StdOut.ShouldMatch(@"rank 0 of 2 in \S+, master 127\.0\.0\.1:\d+",
            "the master is rank 0's node name resolved (n1 and n2 are 127.0.0.1 in multi mode)");
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }

    [Fact]
    public async Task InContainers_StopReachesTheContainerOnEachSlurmNode_AndRemovesThem()
    {
        await using var ada = await DockerClusterUserAsync();
        var run = await ada.RunDetachedAsync("both-wait-in-containers", "--compute", "cluster");
        await NodeWorkflows.BothWaitingAsync(ada, run, Deadline);
        DockerImage.Containers(run).Count.ShouldBe(2);

        await NodeWorkflows.StopReachesBothAsync(ada, run);
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }
}
