using Dstack.Core.Tests.Compute.Slurm;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>nodes: 2</c> with <c>provider: torchrun</c> on the second test cluster (<c>scripts/slurm/slurm-netns.sh</c>): nodes m1
/// and m2 each in a network namespace of its own (10.201.0.11, .12), with its own controller reached through the target's
/// <c>--slurm-conf</c>. The nodes meet at rank 0's own address, each node's <c>DSTACK_NODES_IPS</c> entry is the address
/// its socket to the master leaves from (its namespace's), and the all-reduce's sum proves both ranks took part.
/// </summary>
[Collection("slurm netns cluster")]
public sealed class SlurmNetnsNodesTests
{
    // gloo binds to the address of the machine's hostname unless told the interface: slurmd is only in the node's network
    // namespace, so the hostname is still the machine's (127.0.0.1 in /etc/hosts); eth0 is every namespace's interface.
    private const string Workflows = """
        workflows:
          - name: allreduce
            provider: torchrun
            nodes: 2
            script: allreduce.py
            env:
              GLOO_SOCKET_IFNAME: eth0
        """;

    // Two runners start through srun and meet through the store; torch's import takes seconds on the loaded machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Torchrun_OnTwoNetnsNodes_AllReducesAcrossBoth_AtTheNodesOwnAddresses()
    {
        var cluster = TestSlurmCluster.Netns;
        await using var ada = new Sandbox();
        var add = await ada.DstackAsync("config", "compute", "add", "netns", "--slurm", "--slurm-conf", cluster.SlurmConf!);
        add.ExitCode.ShouldBe(0, add.ToString());
        add.StdErr.ShouldContain("netns/m1:");
        add.StdErr.ShouldContain("netns/m2:");
        ada.WithWorkflows(Workflows).WriteFile("allreduce.py", SlurmAllReduce.Script).Commit();

        var (run, results, logs) = await SlurmAllReduce.RunDoneOnAsync(ada, "netns", Deadline, "m1", "m2");

        // Each node's own address, in rank order, as every node was told; the master is rank 0's.
        var ips = $"{results[0].Own},{results[1].Own}";
        results[0].Own.ShouldNotBe(results[1].Own, logs);
        results.Values.ShouldAllBe(r => r.Own.StartsWith("10.201.0.") && r.Ips == ips && r.Master == results[0].Own && r.MasterIp == results[0].Own, logs);
        results[0].Own.ShouldBe(NodeAddress(results[0].Node), logs);
        results[1].Own.ShouldBe(NodeAddress(results[1].Node), logs);

        // One job of two nodes on the netns cluster's own controller.
        var job = await ada.LaunchHandleAsync(run);
        (await cluster.RunAsync($"squeue -h -t all -j {job} -o %D")).Trim().ShouldBe("2");
    }

    /// <summary>m1 → 10.201.0.11, m2 → 10.201.0.12 (slurm-up.sh's netns mode: node i at .(10+i)).</summary>
    private static string NodeAddress(string node) => $"10.201.0.{10 + int.Parse(node[1..])}";

}
