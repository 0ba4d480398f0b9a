namespace Dstack.Core.Runner;

/// <summary>Runs a job on the host, or in a container when it names an image.</summary>
public sealed class ExecutorByImage(IJobExecutor host, IJobExecutor container) : IJobExecutor
{
    public IRunningJob Start(JobLaunch launch, Action<ReadOnlySpan<byte>> output) =>
        (launch.Container is null ? host : container).Start(launch, output);
}
