using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>nodes: N</c> on an SSH target (h1, h2, an S3 store they reach): each node on a host of its own, meeting at rank 0's
/// address as the other host reaches it; Debian's real PyTorch (gloo, CPU) all-reduces across both hosts.
/// </summary>
[Collection("ssh hosts")]
public sealed partial class SshNodesTests
{
    /// <summary>Rank r adds [10r, 10r+1, 10r+2, 10r+3]: [10, 12, 14, 16] needs both hosts' ranks (one alone: [0, 1, 2, 3]).</summary>
    private const string AllReduce = """
        import os, socket
        import torch
        import torch.distributed as dist
        dist.init_process_group("gloo", init_method="env://")
        rank = dist.get_rank()
        t = torch.arange(4, dtype=torch.float64) + 10 * rank
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        os.write(1, f"RESULT rank={rank}/{dist.get_world_size()} on={socket.gethostname()} sum={t.tolist()} master={os.environ['MASTER_ADDR']}\n".encode())
        os.write(1, ("IPS " + os.environ["DSTACK_NODES_IPS"].replace("\n", ",") + "\n").encode())
        dist.destroy_process_group()
        """;

    /// <summary>Listens on a port (argv[1]; 0: any) and says so; SIGTERM ends it, saying so.</summary>
    private const string Listen = """
        import os, signal, socket, sys
        rank = os.environ["DSTACK_NODE_RANK"]
        def term(*_):
            os.write(1, f"rank {rank} got TERM\n".encode())
            sys.exit(0)
        signal.signal(signal.SIGTERM, term)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", int(sys.argv[1])))
        s.listen()
        os.write(1, f"rank {rank} listening on {socket.gethostname()}\n".encode())
        while True:
            s.accept()[0].close()
        """;

    private const string Workflows = """
        workflows:
          - name: allreduce
            provider: torchrun
            nodes: 2
            script: allreduce.py
          - name: four
            provider: bash
            nodes: 4
            commands: [hostname]
          - name: one-fails
            provider: bash
            nodes: 2
            commands:
              - |
                if [ "$DSTACK_NODE_RANK" = 1 ]; then
                  until (exec 3<>"/dev/tcp/$MASTER_ADDR/$MASTER_PORT") 2>/dev/null; do sleep 0.1; done
                  echo "rank 1 fails"; exit 1
                fi
                exec /usr/bin/python3 listen.py "$MASTER_PORT"
          - name: both-wait
            provider: bash
            nodes: 2
            commands:
              - exec /usr/bin/python3 listen.py 0
        """;

    private static async Task<Sandbox> LabUserAsync(S3Bucket bucket, SshHosts ssh)
    {
        var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1,h2", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows).WriteFile("allreduce.py", AllReduce).WriteFile("listen.py", Listen).Commit();
        return ada;
    }

    [Fact]
    public async Task Torchrun_OnTwoSshHosts_AllReducesAcrossBoth_AtTheAddressesTheHostsReachEachOtherOn()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var result = await ada.DstackAsync("run", "allreduce", "--compute", "lab");

        result.ExitCode.ShouldBe(0, result.ToString());
        var logs = (await ada.DstackAsync("logs", result.SubmittedRun)).StdOut;
        var (h1, h2) = (ssh["h1"].Address, ssh["h2"].Address);
        logs.ShouldContain($"[node 0] RESULT rank=0/2 on=h1 sum=[10.0, 12.0, 14.0, 16.0] master={h1}", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] RESULT rank=1/2 on=h2 sum=[10.0, 12.0, 14.0, 16.0] master={h1}", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] IPS {h1},{h2}");
        var ps = (await ada.DstackAsync("ps", result.SubmittedRun)).StdOut;
        NodeRow().Matches(ps).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ShouldBe([("0", "h1"), ("1", "h2")], ps);
    }

    [Fact]
    public async Task FourNodes_OnATargetOfTwoHosts_IsRefusedAtSubmit_NamingWhatItHas()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var result = await ada.DstackAsync("run", "four", "--compute", "lab");

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.StdErr.ShouldContain("`lab` has 2 hosts that fit a node; nodes: 4 needs 4, each on a host of its own.", Case.Sensitive, result.ToString());
        result.StdErr.ShouldStartWith("Error: .dstack/workflows.yaml:8:", Case.Sensitive, "at the `nodes` line");
        (await ada.PsAsync("-a")).ShouldBeEmpty("nothing was started or stored");
    }

    [Fact]
    public async Task OneNode_ExitingOne_FailsTheRun_NamingItsHost_AndStopsTheOtherOnItsHost()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var run = await ada.RunDetachedAsync("one-fails", "--compute", "lab");
        var row = await ada.WaitFinishedAsync(run);
        await Eventually.ReturnsAsync(async () => (await ada.DstackAsync("ps", run)).StdOut,
            ps => !ps.Contains("Running") && !ps.Contains("Stopping"), Sandbox.FinishDeadline, "both nodes to end");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("node 1 (h2): exit code 1");
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 fails");
    }

    [Fact]
    public async Task Stop_ReachesTheNodeOnEachHost()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);
        var run = await ada.RunDetachedAsync("both-wait", "--compute", "lab");
        await Eventually.ReturnsAsync(async () => (await ada.DstackAsync("logs", run)).StdOut,
            l => l.Contains("rank 0 listening on h1") && l.Contains("rank 1 listening on h2"), Sandbox.FinishDeadline, "both nodes listening");

        var stop = await ada.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await ada.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 got TERM");
    }

    [GeneratedRegex(@"^(\d+) +(\S+) +Done", RegexOptions.Multiline)]
    private static partial Regex NodeRow();
}
