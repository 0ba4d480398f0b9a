using System.Text.RegularExpressions;
using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>nodes: 2</c> on the real test cluster (multi mode: n1 and n2 are two slurmds on this machine, both 127.0.0.1 in
/// /etc/hosts) with Debian's real PyTorch: one <c>sbatch -N 2</c>, one runner per node through <c>srun</c>, and torchrun's
/// ranks meeting at rank 0's address (its node name resolved). The sandbox's local-folder store is seen by the nodes (one file system).
/// </summary>
[Collection("slurm cluster")]
public sealed partial class SlurmNodesRunTests
{
    private const string Workflows = """
        workflows:
          - name: allreduce
            provider: torchrun
            nodes: 2
            script: allreduce.py
          - name: gpus
            provider: bash
            nodes: 2
            commands:
              - echo "gpus node=$DSTACK_NODE_RANK per_node=$DSTACK_GPUS_PER_NODE all=$DSTACK_GPUS_NUM cvd=$CUDA_VISIBLE_DEVICES"
            resources:
              gpu: 2
          - name: one-fails
            provider: bash
            nodes: 2
            commands:
              - |
                if [ "$DSTACK_NODE_RANK" = 1 ]; then
                  until [ -e "$E2E_SIGNALS/rank0-started" ]; do sleep 0.05; done
                  echo "rank 1 fails"; exit 1
                fi
                trap 'echo "rank 0 got TERM"; exit 0' TERM
                touch "$E2E_SIGNALS/rank0-started"
                while true; do sleep 0.1 || true; done
        """;

    // Two runners start through srun and meet through the store; torch's import takes seconds on the loaded machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private static async Task<Sandbox> ClusterUserAsync()
    {
        await SlurmTestCluster.EnsureUpAsync();
        var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "cluster", "--slurm");
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows).WriteFile("allreduce.py", SlurmAllReduce.Script).Commit();
        return ada;
    }

    [Fact]
    public async Task Torchrun_OnTwoSlurmNodes_AllReducesAcrossBoth_InOneAllocation_AndPsShowsBothNodes()
    {
        await using var ada = await ClusterUserAsync();

        var (run, results, logs) = await SlurmAllReduce.RunDoneOnAsync(ada, "cluster", Deadline, "n1", "n2");

        // MASTER_ADDR is rank 0's address: its node name resolved (/etc/hosts has n1 and n2 at 127.0.0.1 in multi mode).
        results.Values.ShouldAllBe(r => r.Master == "127.0.0.1" && r.Ips == "127.0.0.1,127.0.0.1", logs);
        var ps = (await ada.DstackAsync("ps", run)).StdOut;
        NodeRow().Matches(ps).Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ShouldBe([$"0 {results[0].Node}", $"1 {results[1].Node}"], ps);
        // One Slurm job of two nodes: both jobs' launches are its id.
        var job = await ada.LaunchHandleAsync(run);
        (await SlurmTestCluster.RunAsync($"squeue -h -t all -j {job} -o %D")).Trim().ShouldBe("2");
    }

    [Fact]
    public async Task GpusPerNode_AreEachNodesOwn_AndTheRunsTotalIsEveryNodes()
    {
        await using var ada = await ClusterUserAsync();

        var run = await ada.RunDetachedAsync("gpus", "--compute", "cluster");
        var row = await ada.WaitFinishedAsync(run, Deadline);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        // Each node has two (fake) GPUs and the job asked for both on each: 2 per node, 4 in all, both visible on each node.
        GpuLine().Matches(logs).Select(m => m.Value).Order().ToList().ShouldBe(
            new List<string> { "gpus node=0 per_node=2 all=4 cvd=0,1", "gpus node=1 per_node=2 all=4 cvd=0,1" }, logs);
    }

    [Fact]
    public async Task OneNode_ExitingOne_FailsTheRun_NamingIt_AndStopsTheOtherGracefully()
    {
        await using var ada = await ClusterUserAsync();

        var run = await ada.RunDetachedAsync("one-fails", "--compute", "cluster");
        var row = await ada.WaitFinishedAsync(run, Deadline);
        await Eventually.ReturnsAsync(async () => (await ada.DstackAsync("ps", run)).StdOut,
            ps => !ps.Contains("Running") && !ps.Contains("Stopping"), Deadline, "both nodes to end");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldMatch(@"^node 1 \(n[12]\): exit code 1$");
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM");
        logs.ShouldContain("[node 1] rank 1 fails");
    }

    [GeneratedRegex(@"gpus node=\d per_node=\S* all=\S* cvd=\S*")]
    private static partial Regex GpuLine();

    [GeneratedRegex(@"^(\d+) +\S*?(n[12])\S* +\S+", RegexOptions.Multiline)]
    private static partial Regex NodeRow();
}
