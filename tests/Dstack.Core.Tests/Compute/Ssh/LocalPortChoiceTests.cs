using System.Net;
using System.Net.Sockets;
using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class LocalPortChoiceTests
{
    [Fact]
    public void Choose_FreePorts_KeepTheirNumbers_InTheJobsOrder()
    {
        var chosen = LocalPortChoice.Choose([8000, 8001], _ => true, () => throw new InvalidOperationException("not asked"));

        chosen.ShouldBe([new ForwardedPort(8000, 8000), new ForwardedPort(8001, 8001)]);
    }

    [Fact]
    public void Choose_APortTakenHere_GetsAFreeOne_TheOthersKeepTheirs()
    {
        var offered = new Queue<int>([40001]);

        var chosen = LocalPortChoice.Choose([8000, 8001], port => port != 8000, offered.Dequeue);

        chosen.ShouldBe([new ForwardedPort(8000, 40001), new ForwardedPort(8001, 8001)]);
    }

    [Fact]
    public void Choose_NeverGivesOneLocalPortTwice_EvenWhenTheSystemOffersItAgain()
    {
        // 8001 is taken here; the system first offers 8000, already chosen for the first port.
        var offered = new Queue<int>([8000, 40002]);

        var chosen = LocalPortChoice.Choose([8000, 8001], port => port != 8001, offered.Dequeue);

        chosen.ShouldBe([new ForwardedPort(8000, 8000), new ForwardedPort(8001, 40002)]);
    }

    [Fact]
    public void IsFree_IsFalseForAPortWithAListener_AndTrueOnceItIsClosed()
    {
        // Another process of a parallel test suite may take a just-freed ephemeral port: one of a few ports must show it.
        var freedAndFree = Enumerable.Range(0, 5).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            LocalPortChoice.IsFree(port).ShouldBeFalse();
            listener.Stop();
            return LocalPortChoice.IsFree(port) ? port : (int?)null;
        }).FirstOrDefault(p => p is not null);

        var free = freedAndFree.ShouldNotBeNull();
        LocalPortChoice.Choose([free], LocalPortChoice.IsFree, LocalPortChoice.AnyFree).ShouldBe([new ForwardedPort(free, free)]);
    }

    [Fact]
    public void LocalUrl_IsOnThisMachinesLoopback()
    {
        new ForwardedPort(8000, 40001).LocalUrl.ShouldBe("http://127.0.0.1:40001");
    }
}
