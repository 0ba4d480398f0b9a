using Dstack.Core.Runner;

namespace Dstack.Core.Tests.Support;

/// <summary>An executor that starts nothing: each launch gets a <see cref="FakeRunningJob"/> the test drives.</summary>
public sealed class FakeExecutor(TimeProvider time) : IJobExecutor
{
    private readonly TaskCompletionSource<FakeRunningJob> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every launch the runner asked for, in order.</summary>
    public List<JobLaunch> Launches { get; } = [];

    /// <summary>The first job started; null until the runner starts one.</summary>
    public FakeRunningJob? Job => _first.Task.IsCompleted ? _first.Task.Result : null;

    /// <summary>What <see cref="PlanAsync"/> answers: by default a host's plan (the runner sets up Python).</summary>
    public Func<Core.Models.JobSpec, JobPlan> Plan { get; init; } = spec =>
        new(JobEnvironment.HostBase(JobEnvironment.Current()), spec.Commands, NeedsHostPython: true, []);

    public Task<JobPlan> PlanAsync(Core.Models.JobSpec spec, CancellationToken ct) => Task.FromResult(Plan(spec));

    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output)
    {
        lock (Launches) Launches.Add(launch);
        var job = new FakeRunningJob(time, output);
        _first.TrySetResult(job);
        return job;
    }
}
