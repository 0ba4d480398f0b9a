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
