using System.Net;
using System.Net.Sockets;
using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

/// <summary>
/// Where a Slurm job's ports are (<see cref="SlurmCompute"/> as <see cref="IForwardsPorts"/>): on the node its runner
/// reports, directly from a login node, forwarded through <c>--login HOST</c> otherwise. The forward is tried for real
/// through the SSH test host h1 standing for a login host, to a "node" it reaches: this machine's address on h1's network.
/// </summary>
public sealed class SlurmComputePortsTests
{
    private const string Config = "/tmp/ssh-hosts/ssh_config";

    /// <summary>This machine as the test hosts reach it (they reach the S3 server there too).</summary>
    private const string ThisMachineFromHosts = "10.210.0.1";

    private static readonly LaunchInfo Job = new("cluster", "4242", DateTimeOffset.UnixEpoch);

    private static SlurmCompute Cluster(string? login, ISlurmShell? shell = null) =>
        new(ComputeTarget.SlurmCluster("cluster", new SlurmSettings(Login: login)), new SshStore(null, null, "ports", () => null),
            shell ?? new LocalSlurmShell(), "/bin/sh", [], TimeProvider.System);

    [Fact]
    public void WithoutALoginHost_TheJobsPortsAreOnItsNode_ReachedDirectly()
    {
        var ports = Cluster(login: null).PortsOf(Job, "n1").ShouldNotBeNull();

        ports.ShouldBe(new PortAccess("n1", PortRoute.Direct));
        ports.Url(8888).ShouldBe("http://n1:8888");
    }

    [Fact]
    public void WithALoginHost_TheJobsPortsAreOnItsNode_Forwarded() =>
        Cluster(login: "h1").PortsOf(Job, "n2").ShouldBe(new PortAccess("n2", PortRoute.Forwarded));

    [Fact]
    public void BeforeTheRunnerSaidItsNode_OrForAnotherComputesLaunch_NothingIsKnown()
    {
        var cluster = Cluster(login: "h1");

        cluster.PortsOf(Job, null).ShouldBeNull();
        cluster.PortsOf(Job with { Compute = "lab" }, "n1").ShouldBeNull();
        cluster.PortsOf(Job with { Handle = "h1 12 34" }, "n1").ShouldBeNull();
    }

    [Fact]
    public async Task Forward_WithoutALoginHost_IsRefused_TheNodeIsReachedAsItIs() =>
        (await Should.ThrowAsync<SlurmException>(() => Cluster(login: null).ForwardAsync(Job, "n1", [8888], default)))
            .Message.ShouldContain("nothing to forward");

    [Fact]
    public void TheForwardGoesToTheNodesPort_AsTheLoginHostReachesIt()
    {
        var login = new SshSession(SshHostAddress.Parse("ada@login1"), new SshOptions());

        string.Join(' ', SshPortForward.Arguments(login, [new ForwardedPort(8888, 40000)], "n1"))
            .ShouldContain("-L 127.0.0.1:40000:n1:8888 ");
        string.Join(' ', SshPortForward.Arguments(login, [new ForwardedPort(8888, 8888)], "fd00::7"))
            .ShouldContain("-L 127.0.0.1:8888:[fd00::7]:8888 ");
    }

    [Fact]
    public async Task Forward_ThroughTheLoginHost_ReachesTheServerOnTheNode_AndDisposeEndsIt()
    {
        File.Exists(Config).ShouldBeTrue($"No SSH test hosts ({Config} is missing): start them with scripts/ssh-hosts/up.sh (the test script does).");
        var h1 = new SshSession(new SshHostAddress("h1"), new SshOptions { ConfigFile = Config });
        // The "node": a server on this machine's address that h1 reaches, which this machine's loopback is not.
        using var node = new TcpListener(IPAddress.Parse(ThisMachineFromHosts), 0);
        node.Start();
        var port = ((IPEndPoint)node.LocalEndpoint).Port;
        var cluster = Cluster(login: "h1", new LoginSlurmShell(h1));

        var forward = await cluster.ForwardAsync(Job, ThisMachineFromHosts, [port], default);
        string? heard = null;
        try
        {
            var local = forward.Ports.ShouldHaveSingleItem();
            local.Remote.ShouldBe(port);
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, local.Local);
            await client.GetStream().WriteAsync("through the login host\n"u8.ToArray());
            using var accepted = await node.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
            using var reader = new StreamReader(accepted.GetStream());
            heard = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally { await forward.DisposeAsync(); }

        heard.ShouldBe("through the login host");
        Directory.Exists($"/proc/{((SshPortForward)forward).ProcessId}").ShouldBeFalse("the ssh process ends with the forward");
    }
}
