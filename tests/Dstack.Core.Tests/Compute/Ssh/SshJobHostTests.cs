using Dstack.Core.Compute.Ssh;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshJobHostTests
{
    [Fact]
    public async Task WhyAJobWaits_NamesTheHost_AndTheTurnIsGivenBackThroughIt()
    {
        var inner = new FakeJobHost { WaitReason = "waiting for 2 CPUs (0 free)" };
        var host = new SshJobHost(inner, "h1");
        var reasons = new List<string>();
        using var turn = await host.EnqueueAsync("job", DateTimeOffset.UtcNow, new Dstack.Core.Models.JobResources { Cpu = 2 }, CancellationToken.None);

        var wait = turn.WaitAsync(r => { lock (reasons) reasons.Add(r); return Task.CompletedTask; }, () => Task.FromResult(false), CancellationToken.None);
        // The fake host says why at once, before it polls for its grant.
        reasons.ShouldBe(["waiting for 2 CPUs (0 free) on h1"]);
        inner.Grant();
        (await wait).ShouldNotBeNull();
        turn.Dispose();

        inner.Released.ShouldBe(1);
    }

    [Fact]
    public void TheNodeAddress_IsTheOneGiven_ElseTheHostname()
    {
        Dstack.Core.Compute.IJobHost named = new SshJobHost(new FakeJobHost(), "h1");
        Dstack.Core.Compute.IJobHost reached = new SshJobHost(new FakeJobHost(), "h1", "10.210.0.11");

        named.NodeAddress.ShouldBe("h1");
        reached.NodeAddress.ShouldBe("10.210.0.11");
        reached.Hostname.ShouldBe("h1", "HOSTNAME stays the host's name as the target gives it");
    }
}
