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

    private const string Workflows = "workflows:\n" + NodeWorkflows.Torch + NodeWorkflows.InContainers + NodeWorkflows.DepOnNodes + """
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
        ada.WithWorkflows(Workflows).WithTorchScripts().WriteFile("listen.py", Listen).Commit();
        return ada;
    }

    [Fact]
    public async Task Torchrun_OnTwoSshHosts_AllReducesAcrossBoth_AtTheAddressesTheHostsReachEachOtherOn()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var run = await ada.RunDetachedAsync("allreduce", "--compute", "lab");
        var row = await ada.WaitFinishedAsync(run, NodeWorkflows.TorchDeadline);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        var (h1, h2) = (ssh["h1"].Address, ssh["h2"].Address);
        logs.ShouldContain($"[node 0] RESULT rank=0/2 node=0/2 on=h1 master={h1} sum=[10.0, 12.0, 14.0, 16.0]", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] RESULT rank=1/2 node=1/2 on=h2 master={h1} sum=[10.0, 12.0, 14.0, 16.0]", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] IPS {h1},{h2}");
        var ps = (await ada.DstackAsync("ps", run)).StdOut;
        NodeRow().Matches(ps).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ShouldBe([("0", "h1"), ("1", "h2")], ps);
    }

    [Fact]
    public async Task AWorkflowDep_MadeOnThisMachine_IsPlacedOnEachHostsNode()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var (row, logs) = await NodeWorkflows.DepOnEveryNodeAsync(ada, "--compute", "lab");

        row.Status.ShouldBe("Done", logs);
        logs.ShouldContain("[node 0] node 0 on h1 has rows from data\n", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] node 1 on h2 has rows from data\n", Case.Sensitive, logs);
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
        var line = Workflows[..Workflows.IndexOf("nodes: 4", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        result.StdErr.ShouldStartWith($"Error: .dstack/workflows.yaml:{line}:", Case.Sensitive, "at the `nodes` line");
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

        await NodeWorkflows.StopReachesBothAsync(ada, run);
    }

    [Fact]
    public async Task Ddp_OnTwoSshHosts_EndsWithTheSameWeightsOnBothRanks()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var run = await ada.RunDetachedAsync("ddp", "--compute", "lab");
        var row = await ada.WaitFinishedAsync(run, NodeWorkflows.TorchDeadline);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        var weights = NodeWorkflows.WeightsByRank(logs);
        weights.Keys.Order().ToList().ShouldBe(new List<string> { "0", "1" }, logs);
        weights["0"].ShouldBe(weights["1"]);
    }

    [Fact]
    public async Task InContainers_OnTwoSshHosts_TheNodesMeetAtMasterAddrAndPort_AndNoContainerRemains()
    {
        var ssh = await SshHosts.GetAsync();
        await ssh.EnsureDockerAsync("h1", "h2");
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var run = await ada.RunDetachedAsync("in-containers", "--compute", "lab");
        var row = await ada.WaitFinishedAsync(run);

        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        row.Status.ShouldBe("Done", logs);
        // On each host's network: the container's hostname is its host's.
        var h1 = ssh["h1"].Address;
        logs.ShouldContain($"[node 0] rank 0 of 2 in h1, master {h1}:", Case.Sensitive, logs);
        logs.ShouldContain($"[node 1] rank 1 of 2 in h2, master {h1}:", Case.Sensitive, logs);
        logs.ShouldContain("[node 0] hello from rank 1", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 sent", Case.Sensitive, logs);
        var ps = (await ada.DstackAsync("ps", run)).StdOut;
        NodeRow().Matches(ps).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ShouldBe([("0", "h1"), ("1", "h2")], ps);
        await NoContainersLeftAsync(ssh, run);
    }

    [Fact]
    public async Task InContainers_OneNodeExitingOne_FailsTheRun_AndStopsTheOthersContainerOnItsHost()
    {
        var ssh = await SshHosts.GetAsync();
        await ssh.EnsureDockerAsync("h1", "h2");
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);

        var run = await ada.RunDetachedAsync("one-fails-in-containers", "--compute", "lab");
        var row = await ada.WaitFinishedAsync(run);
        await Eventually.ReturnsAsync(async () => (await ada.DstackAsync("ps", run)).StdOut,
            ps => !ps.Contains("Running") && !ps.Contains("Stopping"), Sandbox.FinishDeadline, "both nodes to end");

        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldBe("node 1 (h2): exit code 1");
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("[node 0] rank 0 got TERM", Case.Sensitive, logs);
        logs.ShouldContain("[node 1] rank 1 fails", Case.Sensitive, logs);
        await NoContainersLeftAsync(ssh, run);
    }

    [Fact]
    public async Task InContainers_StopReachesTheContainerOnEachHost_AndRemovesThem()
    {
        var ssh = await SshHosts.GetAsync();
        await ssh.EnsureDockerAsync("h1", "h2");
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);
        var run = await ada.RunDetachedAsync("both-wait-in-containers", "--compute", "lab");
        await NodeWorkflows.BothWaitingAsync(ada, run, Sandbox.FinishDeadline);
        (await ssh.ContainersAsync("h1", run)).Count.ShouldBe(1);
        (await ssh.ContainersAsync("h2", run)).Count.ShouldBe(1);

        await NodeWorkflows.StopReachesBothAsync(ada, run);
        await NoContainersLeftAsync(ssh, run);
    }

    /// <summary>
    /// h3 has the docker CLI and the machine's /run/docker.sock, which its user may not use (scripts/ssh-hosts/docker.sh
    /// gives only h1 and h2 a daemon of their own): the probe says so, and the run is refused before anything starts.
    /// </summary>
    [Fact]
    public async Task InContainers_WhereOneHostsDockerIsNotItsUsers_IsRefusedAtSubmit_AtTheNodesLine_SayingWhy()
    {
        var ssh = await SshHosts.GetAsync();
        await ssh.EnsureDockerAsync("h1");
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        var add = await ada.DstackAsync("config", "compute", "add", "lab", "--ssh", "h1,h3", "--ssh-config", ssh.ConfigFile, "--store-endpoint", ssh.S3Endpoint);
        add.ExitCode.ShouldBe(0, add.ToString());
        ada.WithWorkflows(Workflows).Commit();

        var result = await ada.DstackAsync("run", "in-containers", "--compute", "lab");

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.StdErr.ShouldContain("`lab` has 1 host that fits a node; nodes: 2 needs 2, each on a host of its own (h3: no usable Docker "
            + $"(for the image {DockerImage.Busybox}): its user runner may not use /var/run/docker.sock (add it to the group `docker` there, "
            + "e.g. `usermod -aG docker runner`)).", Case.Sensitive, result.ToString());
        result.StdErr.Trim().Split('\n').Length.ShouldBe(1, result.ToString());
        (await ada.PsAsync("-a")).ShouldBeEmpty("nothing was started or stored");
    }

    private static async Task NoContainersLeftAsync(SshHosts ssh, string run)
    {
        foreach (var host in new[] { "h1", "h2" })
            await Eventually.ReturnsAsync(() => ssh.ContainersAsync(host, run), c => c.Count == 0, TimeSpan.FromSeconds(30), $"{run}'s container on {host} to be removed");
    }

    [GeneratedRegex(@"^(\d+) +(\S+) +Done", RegexOptions.Multiline)]
    private static partial Regex NodeRow();
}
