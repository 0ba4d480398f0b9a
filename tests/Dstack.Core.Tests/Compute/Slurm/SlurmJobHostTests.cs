using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

public sealed class SlurmJobHostTests
{
    [Theory]
    [InlineData("1", new[] { 1 })]
    [InlineData("0,1", new[] { 0, 1 })]
    [InlineData("", new int[0])]
    [InlineData(null, new int[0])]
    [InlineData("NoDevFiles", new int[0])]
    public void TheGrant_IsWhatSlurmSetInCudaVisibleDevices(string? value, int[] expected) => SlurmJobHost.Gpus(value).ShouldBe(expected);

    [Fact]
    public async Task TheTurn_IsGrantedAtOnce_WithoutAskingTheInnerHost()
    {
        var host = new SlurmJobHost(new NoHost(), "n2", "1");

        using var turn = await host.EnqueueAsync("k", DateTimeOffset.UtcNow, new JobResources { GpuCount = 1 }, default);
        var grant = await turn.WaitAsync(_ => throw new InvalidOperationException("no waiting"), () => Task.FromResult(false), default);

        grant.ShouldNotBeNull().VisibleGpus.ShouldBe([1]);
        (host.Hostname, host.Description).ShouldBe(("n2", "Slurm node n2"));
    }

    [Fact]
    public void AContainersGrant_IsTheNodesNumbersOfTheGpus_AndTheCpusSlurmBoundTheRunnerTo()
    {
        // With ConstrainDevices Slurm numbers the job's one GPU 0 while the node calls it 1; Docker needs the node's number.
        var grant = SlurmJobHost.Grant("0", "1", "1");

        grant.VisibleGpus.ShouldBe([0]);
        grant.DeviceGpus.ShouldBe([1]);
        grant.CpuSet.ShouldBe("1");
        SlurmJobHost.Grant("0", null, null).DeviceGpus.ShouldBeNull("Slurm did not say them: the visible numbers are used");
        var none = SlurmJobHost.Grant("", "", " ");
        (none.VisibleGpus!.Count, none.DeviceGpus, none.CpuSet).ShouldBe((0, null, null));
    }

    [Fact]
    public void AllowedCpus_IsTheCpusAllowedListOfProcStatus()
    {
        SlurmJobHost.AllowedCpus("Name:\tdstack\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1,4\nMems_allowed:\t1\n").ShouldBe("0-1,4");
        SlurmJobHost.AllowedCpus("Name:\tdstack\n").ShouldBeNull();
    }

    [Fact]
    public void TheNodeAddress_IsItsNameResolved_ANonLoopbackFirst_ALoopbackOnlyForAnotherNodeOfThisMachine()
    {
        System.Net.IPAddress[] Resolve(string name) => name switch
        {
            "m1" => [System.Net.IPAddress.Parse("fe80::1"), System.Net.IPAddress.Parse("10.201.0.11")],
            "n1" => [System.Net.IPAddress.Loopback],
            "vm" => [System.Net.IPAddress.Parse("127.0.1.1")],
            _ => throw new System.Net.Sockets.SocketException(11001),
        };

        SlurmJobHost.AddressOf("m1", "vm", Resolve).ShouldBe("10.201.0.11");
        SlurmJobHost.AddressOf("n1", "vm", Resolve).ShouldBe("127.0.0.1", "several slurmds on one machine share its loopback");
        SlurmJobHost.AddressOf("vm", "vm", Resolve).ShouldBeNull("the machine's own name on loopback means nothing to the other nodes");
        SlurmJobHost.AddressOf("gone", "vm", Resolve).ShouldBeNull();
        new SlurmJobHost(new NoHost(), "n2", null).NodeAddress.ShouldBe("n2");
        new SlurmJobHost(new NoHost(), "m2", null, address: "10.201.0.12").NodeAddress.ShouldBe("10.201.0.12");
    }

    private sealed class NoHost : IJobHost
    {
        public string Hostname => "inner";
        public string Description => "inner";
        public (string? Path, string Installed) FindPython(string version) => (null, "none");
        public IReadOnlyList<int> AllocatePorts(int count) => [];
        public Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct) =>
            throw new InvalidOperationException("a Slurm allocation needs no second scheduler");
    }
}
