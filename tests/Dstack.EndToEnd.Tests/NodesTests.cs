using System.Text.RegularExpressions;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>nodes: 2</c> on this machine (two runners, two processes on localhost) with Debian's real PyTorch (CPU, gloo):
/// torchrun's ranks meet through the MASTER_ADDR/MASTER_PORT the runners agreed on; a failing node stops the other.
/// </summary>
public sealed partial class NodesTests
{
    private const string Workflows = "workflows:\n" + NodeWorkflows.Torch + NodeWorkflows.InContainers + NodeWorkflows.DepOnNodes + """
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
          - name: both-wait
            provider: bash
            nodes: 2
            commands:
              - |
                trap 'echo "rank $DSTACK_NODE_RANK got TERM"; exit 0' TERM
                touch "$E2E_SIGNALS/started-$DSTACK_NODE_RANK"
                while true; do sleep 0.1 || true; done
        """;

    private static Sandbox NewSandbox() => new Sandbox().WithWorkflows(Workflows).WithTorchScripts().Commit();

    [Fact]
    public async Task Torchrun_OnTwoLocalNodes_AllReducesAcrossBoth_WithTheRunsArgsReachingTheScript()
    {
        await using var sandbox = NewSandbox();

        var result = await sandbox.DstackAsync("run", "allreduce", "--epochs", "2 3");

        result.ExitCode.ShouldBe(0, result.ToString());
        var run = result.SubmittedRun;
        var logs = (await sandbox.DstackAsync("logs", run)).StdOut;
        var on = $"on={Environment.MachineName} master=127.0.0.1";
        logs.ShouldContain($"[node 0] RESULT rank=0/2 node=0/2 {on} sum=[10.0, 12.0, 14.0, 16.0] args=['--epochs', '2 3']", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] RESULT rank=1/2 node=1/2 {on} sum=[10.0, 12.0, 14.0, 16.0] args=['--epochs', '2 3']", Case.Sensitive, logs);
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
        var weights = NodeWorkflows.WeightsByRank(logs);
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
        await NodeWorkflows.BothWaitingAsync(sandbox, run, TimeSpan.FromSeconds(60));

        await NodeWorkflows.StopReachesBothAsync(sandbox, run);
        await Eventually.TrueAsync(() => DockerImage.Containers(run).Count == 0, TimeSpan.FromSeconds(30), "both containers to be removed");
    }

    [Fact]
    public async Task Stop_ReachesEveryNode()
    {
        await using var sandbox = NewSandbox();
        var run = await sandbox.RunDetachedAsync("both-wait");
        await sandbox.WaitForSignalAsync("started-0");
        await sandbox.WaitForSignalAsync("started-1");

        await NodeWorkflows.StopReachesBothAsync(sandbox, run);
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

    [Fact]
    public async Task AWorkflowDep_IsPlacedOnEveryNode()
    {
        await using var sandbox = NewSandbox();

        var (row, logs) = await NodeWorkflows.DepOnEveryNodeAsync(sandbox);

        row.Status.ShouldBe("Done", logs);
        logs.ShouldMatch(@"\[node 0\] node 0 on \S+ has rows from data\n");
        logs.ShouldMatch(@"\[node 1\] node 1 on \S+ has rows from data\n");
    }

    [GeneratedRegex(@"^(\d+) +\S+ +Done", RegexOptions.Multiline)]
    private static partial Regex NodeRow();
}
