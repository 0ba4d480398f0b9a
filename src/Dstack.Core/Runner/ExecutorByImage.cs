using Dstack.Core.Models;

namespace Dstack.Core.Runner;

/// <summary>Runs a job on the host, or in a container when it names an image: the one place that tells them apart.</summary>
public sealed class ExecutorByImage(IJobExecutor host, IJobExecutor container) : IJobExecutor
{
    private IJobExecutor For(JobSpec? spec) => spec?.Image is null ? host : container;

    public Task<JobPlan> PlanAsync(JobSpec spec, CancellationToken ct) => For(spec).PlanAsync(spec, ct);

    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output) => For(launch.Spec).Start(launch, output);
}
