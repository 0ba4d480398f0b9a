using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>nodes: 2</c> on this machine (two runners, two processes on localhost) with Debian's real PyTorch (CPU, gloo):
/// torchrun's ranks meet through the MASTER_ADDR/MASTER_PORT the runners agreed on; a failing node stops the other.
/// </summary>
public sealed partial class NodesTests
{
    /// <summary>
    /// Rank r contributes [10r, 10r+1, 10r+2, 10r+3]: with both ranks the sum is [10, 12, 14, 16], with one alone it would be
    /// [0, 1, 2, 3]. Each line goes out in one write (PYTHONUNBUFFERED splits print's text and newline).
    /// </summary>
    private const string AllReduce = """
        import os, sys
        import torch
        import torch.distributed as dist
        def say(text):
            os.write(1, (text + "\n").encode())
        dist.init_process_group("gloo", init_method="env://")
        rank, world = dist.get_rank(), dist.get_world_size()
        t = torch.arange(4, dtype=torch.float64) + 10 * rank
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        say(f"RESULT rank={rank}/{world} node={os.environ['DSTACK_NODE_RANK']}/{os.environ['DSTACK_NODES_NUM']} sum={t.tolist()} args={sys.argv[1:]}")
        say("IPS " + os.environ["DSTACK_NODES_IPS"].replace("\n", ","))
        dist.destroy_process_group()
        """;

    /// <summary>A few DDP steps of a linear model, each rank on its own generated data: the gradients are averaged, so the weights agree.</summary>
    private const string Ddp = """
        import os
        import torch
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel as DDP
        dist.init_process_group("gloo", init_method="env://")
        rank = dist.get_rank()
        torch.manual_seed(0)
        model = DDP(torch.nn.Linear(4, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        gen = torch.Generator().manual_seed(100 + rank)
        for step in range(5):
            x = torch.randn(16, 4, generator=gen)
            y = x.sum(dim=1, keepdim=True) * (rank + 1)
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        w = [round(v, 6) for v in torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()]
        os.write(1, f"WEIGHTS rank={rank} {w}\n".encode())
        dist.destroy_process_group()
        """;

    private const string NodeWorkflows = """
        workflows:
          - name: allreduce
            provider: torchrun
            nodes: 2
            script: allreduce.py
          - name: ddp
            provider: torchrun
            nodes: 2
            script: ddp.py
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
          - name: outputs
            provider: bash
            nodes: 2
            artifacts: [out]
            commands:
              - mkdir -p out && echo "from rank $DSTACK_NODE_RANK" > out/result.txt
          # Each node in its own container: rank 1 sends a line to rank 0 at MASTER_ADDR:MASTER_PORT.
          - name: in-containers
            provider: bash
            image: local/busybox:1
            nodes: 2
            commands:
              - |
                echo "rank $DSTACK_NODE_RANK of $DSTACK_NODES_NUM in $(hostname)"
                if [ "$DSTACK_NODE_RANK" = 0 ]; then
                  nc -l -p "$MASTER_PORT"
                else
                  tries=0
                  until echo "hello from rank 1" | nc "$MASTER_ADDR" "$MASTER_PORT"; do
                    tries=$((tries + 1)); [ "$tries" -lt 600 ] || { echo "rank 0 not reached"; exit 1; }
                    sleep 0.1
                  done
                  echo "rank 1 sent"
                fi
          # Rank 1 fails once it has reached rank 0 (so rank 0 is running): rank 0's container is stopped.
          - name: one-fails-in-containers
            provider: bash
            image: local/busybox:1
            nodes: 2
            commands:
              - |
                if [ "$DSTACK_NODE_RANK" = 1 ]; then
                  until echo up | nc "$MASTER_ADDR" "$MASTER_PORT"; do sleep 0.1; done
                  echo "rank 1 fails"; exit 1
                fi
                trap 'echo "rank 0 got TERM"; exit 0' TERM
                nc -l -p "$MASTER_PORT"
                while true; do sleep 0.1; done
          - name: both-wait-in-containers
            provider: bash
            image: local/busybox:1
            nodes: 2
            commands:
              - |
                trap 'echo "rank $DSTACK_NODE_RANK got TERM"; exit 0' TERM
                touch /workflow/started
                while true; do sleep 0.1; done
          - name: both-wait
            provider: bash
            nodes: 2
            commands:
              - |
                trap 'echo "rank $DSTACK_NODE_RANK got TERM"; exit 0' TERM
                touch "$E2E_SIGNALS/started-$DSTACK_NODE_RANK"
                while true; do sleep 0.1 || true; done
        """;

    private static Sandbox NewSandbox() => new Sandbox().WithWorkflows(NodeWorkflows)
        .WriteFile("allreduce.py", AllReduce).WriteFile("ddp.py", Ddp).Commit();

    [Fact]
    public async Task Torchrun_OnTwoLocalNodes_AllReducesAcrossBoth_WithTheRunsArgsReachingTheScript()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "allreduce", "--epochs", "2 3");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] RESULT rank=0/2 node=0/2 sum=[10.0, 12.0, 14.0, 16.0] args=['--epochs', '2 3']", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] RESULT rank=1/2 node=1/2 sum=[10.0, 12.0, 14.0, 16.0] args=['--epochs', '2 3']", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] IPS 127.0.0.1,127.0.0.1");
        var node1 = (await sandbox.DstackAsync("logs", "--node", "1", run)).StdOut;
        node1.ShouldContain("RESULT rank=1/2");
        node1.ShouldNotContain("RESULT rank=0/2");
        node1.ShouldNotContain("[node ");
        var ps = (await sandbox.DstackAsync("ps", run)).StdOut;
        NodeRow().Matches(ps).Select(m => m.Groups[1].Value).ShouldBe(["0", "1"], ps);
        ps.ShouldContain("Done");
    }

    [Fact]
    public async Task Ddp_OnTwoLocalNodes_EndsWithTheSameWeightsOnBothRanks()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "ddp");

        result.ExitCode.ShouldBe(0, result.ToString());
        var logs = (await sandbox.DstackAsync("logs", result.SubmittedRun)).StdOut;
        var weights = Weights().Matches(logs).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        weights.Keys.Order().ToList().ShouldBe(new List<string> { "0", "1" }, logs);
        weights["0"].ShouldBe(weights["1"]);
    }

    [Fact]
    public async Task OneNode_ExitingOne_FailsTheRun_NamingIt_AndStopsTheOther()
    {
        await using var sandbox = NewSandbox();

        var run = await sandbox.RunDetachedAsync("one-fails");
        var row = await sandbox.WaitFinishedAsync(run);
        await Eventually.ReturnsAsync(async () => (await sandbox.DstackAsync("ps", run)).StdOut,
            ps => !ps.Contains("Running") && !ps.Contains("Stopping"), Sandbox.FinishDeadline, "both nodes to end");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe($"node 1 ({Environment.MachineName}): exit code 1");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM");
        logs.ShouldContain("[node 1] rank 1 fails");
    }

    [Fact]
    public async Task InContainers_TheNodesMeetAtMasterAddrAndPort_AndNoContainerRemains()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "in-containers");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 of 2 in ", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 of 2 in ", Case.Sensitive, logs);
        logs.ShouldContain("[node 0] hello from rank 1", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 sent", Case.Sensitive, logs);
        var ps = (await sandbox.DstackAsync("ps", run)).StdOut;
        NodeRow().Matches(ps).Select(m => m.Groups[1].Value).ShouldBe(["0", "1"], ps);
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }

    [Fact]
    public async Task InContainers_OneNodeExitingOne_FailsTheRun_AndStopsTheOthersContainer()
    {
        await using var sandbox = NewSandbox();

        var run = await sandbox.RunDetachedAsync("one-fails-in-containers");
        var row = await sandbox.WaitFinishedAsync(run);
        await Eventually.ReturnsAsync(async () => (await sandbox.DstackAsync("ps", run)).StdOut,
            ps => !ps.Contains("Running") && !ps.Contains("Stopping"), Sandbox.FinishDeadline, "both nodes to end");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe($"node 1 ({Environment.MachineName}): exit code 1");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 fails", Case.Sensitive, logs);
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }

    [Fact]
    public async Task InContainers_StopReachesEveryContainer_AndRemovesThem()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("both-wait-in-containers");
        foreach (var rank in new[] { 0, 1 })
        {
            var started = Path.Combine(DockerImage.WorkingCopy(sandbox, run, rank), "started");
            await Eventually.TrueAsync(() => File.Exists(started), TimeSpan.FromSeconds(60), $"node {rank} to start");
        }

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 got TERM", Case.Sensitive, logs);
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }

    [Fact]
    public async Task Stop_ReachesEveryNode()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("both-wait");
        await sandbox.WaitForSignalAsync("started-0");
        await sandbox.WaitForSignalAsync("started-1");

        var stop = await sandbox.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM");
        logs.ShouldContain("[node 1] rank 1 got TERM");
    }

    [Fact]
    public async Task Artifacts_OfRankZero_AreAtTheirPath_AndTheOthersUnderRankK()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDoneAsync("outputs");

        var (download, dir) = await sandbox.DownloadAsync(run);

        download.ExitCode.ShouldBe(0, download.ToString());
        File.ReadAllText(Path.Combine(dir, "out", "result.txt")).ShouldBe("from rank 0\n");
        File.ReadAllText(Path.Combine(dir, "rank-1", "out", "result.txt")).ShouldBe("from rank 1\n");
    }

    [GeneratedRegex(@"^(\d+) +\S+ +Done", RegexOptions.Multiline)]
    private static partial Regex NodeRow();

    [GeneratedRegex(@"WEIGHTS rank=(\d) (\[.*\])")]
    private static partial Regex Weights();
}
