using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshPortForwardTests
{
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
}
