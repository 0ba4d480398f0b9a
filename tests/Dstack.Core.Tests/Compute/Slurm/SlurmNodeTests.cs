using Dstack.Core.Compute.Slurm;

namespace Dstack.Core.Tests.Compute.Slurm;

public sealed class SlurmNodeTests
{
    // As Slurm 22.05's `scontrol show node -o` prints it (the test cluster's n1), values with spaces included.
    private const string N1 = "NodeName=n1 Arch=x86_64 CoresPerSocket=2  CPUAlloc=0 CPUEfctv=2 CPUTot=2 CPULoad=4.50 AvailableFeatures=(null) " +
        "ActiveFeatures=(null) Gres=gpu:2 NodeAddr=127.0.0.1 NodeHostName=vm Port=17001 Version=22.05.8 OS=Linux 6.18.44-fc-v1045 #1 SMP " +
        "PREEMPT_DYNAMIC @0  RealMemory=10847 AllocMem=0 FreeMem=21299 Sockets=1 Boards=1 State=IDLE ThreadsPerCore=1 TmpDisk=0 Weight=1 " +
        "Owner=N/A MCS_label=N/A Partitions=debug  BootTime=2026-12-01T19:57:33 CfgTRES=cpu=2,mem=10847M,billing=2 AllocTRES= CapWatts=n/a";

    [Fact]
    public void ANodeLine_GivesCpusMemoryPartitionsStateAndGpus()
    {
        var node = SlurmNode.Parse(N1).ShouldNotBeNull();

        (node.Name, node.Cpus, node.MemoryMb, node.State).ShouldBe(("n1", 2, 10847L, "IDLE"));
        node.Partitions.ShouldBe(["debug"]);
        node.Gpus.ShouldBe([new SlurmGpus(null, 2)]);
        var capacity = node.Capacity("cluster/n1");
        (capacity.Cpus, capacity.MemoryBytes, capacity.Description).ShouldBe((2, 10847L << 20, "cluster/n1"));
        capacity.Gpus.Select(g => (g.Index, g.Name)).ShouldBe([(0, "gpu"), (1, "gpu")]);
    }

    [Fact]
    public void Features_AreTheNodesAvailableFeatures_AndDockerAmongThemSaysItHasDocker()
    {
        SlurmNode.Parse(N1).ShouldNotBeNull().HasDocker.ShouldBeFalse("(null): no features");
        var node = SlurmNode.Parse(N1.Replace("AvailableFeatures=(null)", "AvailableFeatures=ib,docker")).ShouldNotBeNull();

        node.Features.ShouldBe(["ib", "docker"]);
        node.HasDocker.ShouldBeTrue();
    }

    [Theory]
    [InlineData("gpu:a100:2(S:0-1),gpu:v100:1(S:0)", "a100:2 v100:1")]
    [InlineData("gpu:a100:2(S:0,1),mps:100", "a100:2")]
    [InlineData("gpu:4", ":4")]
    [InlineData("(null)", "")]
    [InlineData("", "")]
    public void Gres_IsReadAsGpusByType_OtherGresIgnored(string gres, string expected) =>
        string.Join(' ', SlurmNode.ParseGres(gres).Select(g => $"{g.Type}:{g.Count}")).ShouldBe(expected);

    [Fact]
    public void SeveralLines_SkipWhatIsNoNode_AndSeveralPartitionsAreKept()
    {
        var nodes = SlurmNode.ParseAll(N1 + "\n\nNo nodes in the system\n" + N1.Replace("n1", "n2").Replace("Partitions=debug", "Partitions=debug,gpu"));

        nodes.Select(n => n.Name).ShouldBe(["n1", "n2"]);
        nodes[1].Partitions.ShouldBe(["debug", "gpu"]);
    }
}
