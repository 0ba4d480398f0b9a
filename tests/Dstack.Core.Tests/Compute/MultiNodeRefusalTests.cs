using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute;

/// <summary>Targets that cannot start a run's nodes together refuse <c>nodes: N</c> at submit, before asking any host.</summary>
public sealed class MultiNodeRefusalTests
{
    [Fact]
    public async Task SshTarget_RefusesAMultiNodeRun_AtTheNodesProperty_WithoutProbingItsHosts()
    {
        // 10.210.0.99 answers no one: a probe would fail, not refuse.
        var target = new ComputeTarget("lab", SshHostAddress.ParseList("runner@10.210.0.99"));
        var compute = new SshCompute(target, new SshStore(null, null, "t", () => null), Path.GetTempPath(), "/bin/false", [], TimeProvider.System);

        var refusal = await compute.CheckAsync(new JobSpec { Commands = ["hostname"], Nodes = 2 }, default);

        refusal.ShouldNotBeNull();
        refusal.Property.ShouldBe("nodes");
        refusal.Sentence.ShouldBe("`lab` does not run multi-node runs yet (nodes: 2): it cannot start the nodes together. " +
                                  "Run it on this machine, where the nodes are processes on localhost (`--compute local`), or with nodes: 1.");
    }
}
