using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Compute;

/// <summary>The fake that stands in for a compute in other tests keeps the same contract as the real ones.</summary>
public sealed class FakeComputeConformanceTests : ComputeConformanceTests
{
    private readonly FakeCompute _compute = new(TimeProvider.System);

    protected override ICompute Compute => _compute;

    protected override RunnerTarget Target(int job) => new("/nonexistent", new RepoRef("owner", "repo"), "conformance-run-1", job);

    protected override Task EndByItselfAsync(LaunchInfo launch)
    {
        _compute.Die(launch);
        return Task.CompletedTask;
    }
}
