using System.Text.RegularExpressions;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The scripts and workflows the multi-node tests share (this machine, SSH hosts, Slurm), one copy each: a torchrun
/// all-reduce and a small DDP training with Debian's real PyTorch (CPU, gloo), and two busybox containers meeting over TCP
/// at MASTER_ADDR:MASTER_PORT. Each workflow fragment is a list of entries indented for <c>workflows:</c>.
/// </summary>
public static partial class NodeWorkflows
{
    /// <summary>
    /// Rank r contributes [10r, 10r+1, 10r+2, 10r+3]: with both ranks the sum is [10, 12, 14, 16], with one alone it would be
    /// [0, 1, 2, 3]. <c>on</c> is the node's Slurm name, else its hostname. Each line goes out in one write
    /// (PYTHONUNBUFFERED splits print's text and newline).
    /// </summary>
    public const string AllReduce = """
        import os, socket, sys
        import torch
        import torch.distributed as dist
        def say(text):
            os.write(1, (text + "\n").encode())
        dist.init_process_group("gloo", init_method="env://")
        rank, world = dist.get_rank(), dist.get_world_size()
        t = torch.arange(4, dtype=torch.float64) + 10 * rank
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        on = os.environ.get("SLURMD_NODENAME") or socket.gethostname()
        say(f"RESULT rank={rank}/{world} node={os.environ['DSTACK_NODE_RANK']}/{os.environ['DSTACK_NODES_NUM']} on={on} master={os.environ['MASTER_ADDR']} sum={t.tolist()} args={sys.argv[1:]}")
        say("IPS " + os.environ["DSTACK_NODES_IPS"].replace("\n", ","))
        dist.destroy_process_group()
        """;

    /// <summary>A few DDP steps of a linear model, each rank on its own generated data: the gradients are averaged, so the weights agree.</summary>
    public const string Ddp = """
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

    /// <summary><c>allreduce</c> and <c>ddp</c>: torchrun on two nodes, running the scripts <see cref="WithTorchScripts"/> writes.</summary>
    public const string Torch = """
          - name: allreduce
            provider: torchrun
            nodes: 2
            script: allreduce.py
          - name: ddp
            provider: torchrun
            nodes: 2
            script: ddp.py

        """;

    /// <summary>
    /// <c>data</c> saves one artifact; <c>use-on-nodes</c> (two nodes) has it as a <c>workflow:</c> dep and each node prints
    /// what it found there.
    /// </summary>
    public const string DepOnNodes = """
          - name: data
            provider: bash
            artifacts: [data]
            commands:
              - mkdir -p data && echo "rows from data" > data/rows.txt
          - name: use-on-nodes
            provider: bash
            nodes: 2
            deps:
              - workflow: data
            commands:
              - echo "node $DSTACK_NODE_RANK on $(hostname) has $(cat data/rows.txt)"

        """;

    /// <summary>Runs <c>data</c>, then <c>use-on-nodes</c> (with <paramref name="args"/>): each node's line, by rank.</summary>
    public static async Task<(PsRow Row, string Logs)> DepOnEveryNodeAsync(Sandbox sandbox, params string[] args)
    {
        await sandbox.RunDoneAsync("data");
        var run = await sandbox.RunDetachedAsync(["use-on-nodes", .. args]);
        var row = await sandbox.WaitFinishedAsync(run, TorchDeadline);
        return (row, (await sandbox.DstackAsync("logs", run)).StdOut);
    }

    /// <summary>
    /// Two nodes, each in a busybox container on its host's network. <c>in-containers</c>: rank 1 sends a line to rank 0's
    /// <c>nc -l</c> at MASTER_ADDR:MASTER_PORT. <c>one-fails-in-containers</c>: rank 1 fails once it has reached rank 0
    /// (so rank 0 is running), and rank 0 says when it gets SIGTERM. <c>both-wait-in-containers</c>: both say they
    /// wait, then wait for SIGTERM.
    /// </summary>
    public const string InContainers = $$"""
          - name: in-containers
            provider: bash
            image: {{DockerImage.Busybox}}
            nodes: 2
            commands:
              - |
                echo "rank $DSTACK_NODE_RANK of $DSTACK_NODES_NUM in $(hostname), master $MASTER_ADDR:$MASTER_PORT"
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
          - name: one-fails-in-containers
            provider: bash
            image: {{DockerImage.Busybox}}
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
            image: {{DockerImage.Busybox}}
            nodes: 2
            commands:
              - |
                trap 'echo "rank $DSTACK_NODE_RANK got TERM"; exit 0' TERM
                echo "rank $DSTACK_NODE_RANK waits in $(hostname)"
                while true; do sleep 0.1; done

        """;

    /// <summary>How long a two-node torch run may take: two runners meet, and torch's import takes many seconds on the loaded machine.</summary>
    public static readonly TimeSpan TorchDeadline = TimeSpan.FromSeconds(180);

    /// <summary>The final weights each rank of <see cref="Ddp"/> printed, by rank.</summary>
    public static Dictionary<string, string> WeightsByRank(string logs) =>
        Weights().Matches(logs).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>Waits until <paramref name="run"/>'s log has both nodes of <c>both-wait-in-containers</c> waiting.</summary>
    public static Task BothWaitingAsync(Sandbox sandbox, string run, TimeSpan deadline) =>
        Eventually.ReturnsAsync(async () => (await sandbox.DstackAsync("logs", run)).StdOut,
            l => l.Contains("[node 0] rank 0 waits") && l.Contains("[node 1] rank 1 waits"), deadline, "both nodes to wait");

    /// <summary>Stops a run of two waiting nodes (<c>both-wait…</c>): it is Stopped, and each node's commands got SIGTERM and said so.</summary>
    public static async Task StopReachesBothAsync(Sandbox sandbox, string run)
    {
        var stop = await sandbox.DstackAsync("stop", "-y", run);
        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await sandbox.RowAsync(run)).Status.ShouldBe("Stopped");
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 got TERM", Case.Sensitive, logs);
    }

    /// <summary>Writes the scripts the <see cref="Torch"/> workflows run.</summary>
    public static Sandbox WithTorchScripts(this Sandbox sandbox) =>
        sandbox.WriteFile("allreduce.py", AllReduce).WriteFile("ddp.py", Ddp);

    [GeneratedRegex(@"WEIGHTS rank=(\d) (\[.*\])")]
    private static partial Regex Weights();
}
