using System.Text.RegularExpressions;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The torchrun all-reduce the Slurm multi-node tests run (real PyTorch, gloo): rank r contributes [10r, 10r+1, 10r+2,
/// 10r+3], so with both ranks the sum is [10, 12, 14, 16]. Each rank prints one line (one write: ranks share a stream)
/// with its node, its own address (the local end of a socket towards the master: the address its traffic leaves from),
/// <c>MASTER_ADDR</c>, <c>DSTACK_MASTER_NODE_IP</c>, <c>DSTACK_NODES_IPS</c> (comma-joined) and the sum.
/// </summary>
public static partial class SlurmAllReduce
{
    public const string Script = """
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

    /// <summary>The sum with both ranks.</summary>
    public const string BothRanks = "[10.0, 12.0, 14.0, 16.0]";

    public sealed record Line(string Node, string Own, string Master, string MasterIp, string Ips, string Sum);

    /// <summary>Each rank's line in <paramref name="logs"/>, by rank.</summary>
    public static Dictionary<int, Line> Results(string logs) =>
        Result().Matches(logs).ToDictionary(m => int.Parse(m.Groups["rank"].Value, System.Globalization.CultureInfo.InvariantCulture),
            m => new Line(m.Groups["node"].Value, m.Groups["own"].Value, m.Groups["master"].Value, m.Groups["masterip"].Value,
                m.Groups["ips"].Value, m.Groups["sum"].Value));

    /// <summary>
    /// Runs the workflow <c>allreduce</c> (this script, <c>nodes: 2</c>) on <paramref name="target"/> and checks what every
    /// such test needs: done, one line per rank on <paramref name="nodes"/>, each with both ranks' sum.
    /// </summary>
    public static async Task<(string Run, Dictionary<int, Line> Results, string Logs)> RunDoneOnAsync(
        Sandbox sandbox, string target, TimeSpan deadline, params string[] nodes)
    {
        var run = await sandbox.RunDetachedAsync("allreduce", "--compute", target);
        var row = await sandbox.WaitFinishedAsync(run, deadline);
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        var results = Results(logs);
        results.Keys.Order().ToList().ShouldBe(new List<int> { 0, 1 }, logs);
        results.Values.Select(r => r.Node).Order().ToList().ShouldBe(nodes.ToList(), logs);
        results.Values.ShouldAllBe(r => r.Sum == BothRanks, logs);
        return (run, results, logs);
    }

    [GeneratedRegex(@"RESULT rank=(?<rank>\d)/2 node=(?<node>\S+) own=(?<own>\S+) master=(?<master>\S+) master_ip=(?<masterip>\S+) ips=(?<ips>\S+) sum=(?<sum>\[[^\]]*\])")]
    private static partial Regex Result();
}
