using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Local;

/// <summary>
/// This machine as its runners see it: ports on its loopback, and a <see cref="LocalScheduler"/> ledger under
/// <paramref name="schedulerRoot"/> shared by every runner of the user here. A job that asks for nothing starts at once.
/// </summary>
public sealed class LocalJobHost(string schedulerRoot, TimeProvider time) : IJobHost
{
    public string Hostname => LocalCompute.Loopback.JobHostname;

    public string Description => "this machine";

    public (string? Path, string Installed) FindPython(string version)
    {
        var all = LocalPython.FindAll();
        return (LocalPython.Find(version, all)?.Path, LocalPython.Describe(all));
    }

    public IReadOnlyList<int> AllocatePorts(int count) => PortAllocator.Allocate(count);

    public async Task<IJobTurn> EnqueueAsync(string key, DateTimeOffset submittedAt, JobResources? request, CancellationToken ct)
    {
        var capacity = await LocalCapacity.DetectAsync(ct);
        IReadOnlyList<int>? none = capacity.Gpus.Count == 0 ? null : [];
        if (request is null || request is { Cpu: null, MemoryBytes: null, GpuCount: 0 }) return new Granted(new JobGrant(none));
        var scheduler = new LocalScheduler(schedulerRoot, capacity, time);
        scheduler.Enqueue(key, submittedAt, request);
        return new Queued(scheduler, key, submittedAt, request, none is not null);
    }

    /// <summary>A turn with nothing to wait for or give back.</summary>
    private sealed class Granted(JobGrant grant) : IJobTurn
    {
        public Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct) => Task.FromResult<JobGrant?>(grant);
        public void Dispose() { }
    }

    private sealed class Queued(LocalScheduler scheduler, string key, DateTimeOffset submittedAt, JobResources request, bool hasGpus) : IJobTurn
    {
        private int _disposed;

        public async Task<JobGrant?> WaitAsync(Func<string, Task> waiting, Func<Task<bool>> cancelled, CancellationToken ct) =>
            await scheduler.AcquireAsync(key, submittedAt, request, waiting, cancelled, ct) is { } gpus
                ? new JobGrant(hasGpus ? gpus : null) : null;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) scheduler.Release(key);
        }
    }
}
