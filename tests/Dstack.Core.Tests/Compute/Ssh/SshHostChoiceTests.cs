using Dstack.Core.Compute;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshHostChoiceTests
{
    private static HostFacts Host(string name, int cpus, int gpus = 0, bool? store = null) =>
        new(name, "Linux", "x86_64", "", new ComputeCapacity(cpus, 8L << 30, Enumerable.Range(0, gpus).Select(i => new GpuInfo(i, "A100", 40L << 30)).ToList(), name),
            Docker: false, [], store);

    private static IReadOnlyList<string> Names(IEnumerable<HostFacts> hosts, JobResources? request, bool localStore = false) =>
        SshHostChoice.Candidates(hosts, h => h, request, localStore).Select(h => h.Hostname).ToList();

    [Fact]
    public void ARequestTheFirstHostCannotMeet_GoesToTheNextThatFits_InTheTargetsOrder()
    {
        HostFacts[] hosts = [Host("h1", 2), Host("h2", 8), Host("h3", 16, gpus: 2)];

        Names(hosts, null).ShouldBe(["h1", "h2", "h3"]);
        Names(hosts, new JobResources { Cpu = 4 }).ShouldBe(["h2", "h3"]);
        Names(hosts, new JobResources { GpuCount = 1 }).ShouldBe(["h3"]);
        Names(hosts, new JobResources { Cpu = 32 }).ShouldBeEmpty();
    }

    [Fact]
    public void WithALocalFolderStore_OnlyHostsThatSeeTheFolder()
    {
        Names([Host("h1", 2, store: false), Host("h2", 2, store: true)], null, localStore: true).ShouldBe(["h2"]);
    }
}
