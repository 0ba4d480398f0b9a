using System.Text.RegularExpressions;
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
public sealed partial class SlurmNetnsNodesTests
{
    /// <summary>
    /// Rank r contributes [10r, 10r+1, 10r+2, 10r+3]: with both ranks the sum is [10, 12, 14, 16]. <c>own</c> is the local
    /// address of a socket towards the master: the node's address in its namespace.
    /// </summary>
    private const string AllReduce = """
        import os, socket
        import torch
        import torch.distributed as dist
        dist.init_process_group("gloo", init_method="env://")
        rank, world = dist.get_rank(), dist.get_world_size()
        t = torch.arange(4, dtype=torch.float64) + 10 * rank
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])))
        ips = ",".join(os.environ["DSTACK_NODES_IPS"].split("\n"))
        os.write(1, (f"RESULT rank={rank}/{world} node={os.environ['SLURMD_NODENAME']} own={s.getsockname()[0]} "
                     f"master={os.environ['MASTER_ADDR']} master_ip={os.environ['DSTACK_MASTER_NODE_IP']} ips={ips} sum={t.tolist()}\n").encode())
        dist.destroy_process_group()
        """;

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
        ada.WithWorkflows(Workflows).WriteFile("allreduce.py", AllReduce).Commit();

        var run = await ada.RunDetachedAsync("allreduce", "--compute", "netns");
        var row = await ada.WaitFinishedAsync(run, Deadline);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        var results = Result().Matches(logs).ToDictionary(m => int.Parse(m.Groups["rank"].Value),
            m => (Node: m.Groups["node"].Value, Own: m.Groups["own"].Value, Master: m.Groups["master"].Value,
                MasterIp: m.Groups["masterip"].Value, Ips: m.Groups["ips"].Value, Sum: m.Groups["sum"].Value));
        results.Keys.Order().ToList().ShouldBe(new List<int> { 0, 1 }, logs);
        results.Values.Select(r => r.Node).Order().ToList().ShouldBe(new List<string> { "m1", "m2" }, logs);
        results.Values.ShouldAllBe(r => r.Sum == "[10.0, 12.0, 14.0, 16.0]", logs);
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

    [GeneratedRegex(@"RESULT rank=(?<rank>\d)/2 node=(?<node>m[12]) own=(?<own>\S+) master=(?<master>\S+) master_ip=(?<masterip>\S+) ips=(?<ips>\S+) sum=(?<sum>\[[^\]]*\])")]
    private static partial Regex Result();
}
