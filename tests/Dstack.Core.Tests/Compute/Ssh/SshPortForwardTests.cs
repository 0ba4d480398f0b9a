using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

/// <summary><see cref="SshPortForward"/>: its arguments, and real forwards from the test host h1 (scripts/ssh-hosts/up.sh).</summary>
public sealed class SshPortForwardTests
{
    private const string Config = "/tmp/ssh-hosts/ssh_config";

    [Fact]
    public void Arguments_ForwardEachPortFromTheHostsLoopback_OnAConnectionOfTheirOwn_EndingWithTheirInput()
    {
        var session = new SshSession(SshHostAddress.Parse("runner@h1"), new SshOptions { ControlDirectory = "/tmp/cm" });

        var args = string.Join(' ', SshPortForward.Arguments(session, [new ForwardedPort(8000, 8000), new ForwardedPort(8001, 40001)]));

        // The ControlMaster's forwards would outlive this process: the forward has a connection of its own.
        args.ShouldContain("-o ControlMaster=no -o ControlPath=none");
        args.ShouldContain("-o ExitOnForwardFailure=yes");
        args.ShouldContain("-L 127.0.0.1:8000:127.0.0.1:8000 -L 127.0.0.1:40001:127.0.0.1:8001 -T -- h1 ");
        args.ShouldEndWith("echo dstack-forward-ready; exec cat >/dev/null");
    }

    [Fact]
    public async Task Open_ThePortTakenHere_GoesToAFreeOne_TheServerOnTheHostAnswersThere_AndDisposeEndsIt()
    {
        File.Exists(Config).ShouldBeTrue($"No SSH test hosts ({Config} is missing): start them with scripts/ssh-hosts/up.sh (the test script does).");
        var h1 = new SshSession(new SshHostAddress("h1"), new SshOptions { ConfigFile = Config });
        // The same number is taken here, by a listener of this test.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var page = Guid.NewGuid().ToString("N");
        await h1.RunCheckedAsync($"d=$(mktemp -d); echo {page} > $d/index.html; cd $d; (timeout 60 /usr/bin/python3 -m http.server {port} --bind 127.0.0.1 >/dev/null 2>&1 &)",
            "serving", null, default);

        var forward = await SshPortForward.OpenAsync(h1, [port], TimeProvider.System, default);
        string? body = null;
        try
        {
            var local = forward.Ports.ShouldHaveSingleItem();
            local.Remote.ShouldBe(port);
            local.Local.ShouldNotBe(port);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            while (body is null && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                try { body = await http.GetStringAsync(local.LocalUrl + "/index.html"); }
                catch (HttpRequestException) { await Task.Delay(100); }  // the server on h1 is still starting
            }
        }
        finally { await forward.DisposeAsync(); }

        body.ShouldBe(page + "\n");
        Directory.Exists($"/proc/{forward.ProcessId}").ShouldBeFalse("the ssh process ends with the forward");
        LocalPortChoice.IsFree(forward.Ports[0].Local).ShouldBeTrue();
    }

    [Fact]
    public async Task Open_AHostThatRefuses_IsOneSentenceNamingIt()
    {
        var closed = LocalPortChoice.AnyFree();
        var nowhere = new SshSession(new SshHostAddress("127.0.0.1", "runner", closed), new SshOptions());

        var e = await Should.ThrowAsync<SshException>(() => SshPortForward.OpenAsync(nowhere, [8000], TimeProvider.System, default));

        e.Message.ShouldStartWith($"Could not forward the job's ports from SSH host runner@127.0.0.1:{closed} (");
        e.Message.ShouldContain("Connection refused");
    }
}
