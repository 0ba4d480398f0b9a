using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>What a job holds on this machine while it runs; disposing gives it back.</summary>
    private sealed class Reservation(Action release) : IDisposable
    {
        private int _disposed;

        public StopRequest? Cancelled { get; init; }
        /// <summary>Null when the machine has no GPUs; otherwise the ones the job may use (possibly none).</summary>
        public IReadOnlyList<int>? VisibleGpus { get; init; }
        public CgroupLimits? Limits { get; init; }

        /// <summary>Gives everything back; safe to call more than once.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            Limits?.Remove();
            release();
        }
    }

    /// <summary>
    /// Waits (status pending) until the machine has the CPUs, memory and GPUs the job asks for, in submission
    /// order; then sets up the limits. A job that asks for nothing starts at once.
    /// </summary>
    private sealed record Queued(ComputeCapacity Capacity, LocalScheduler? Scheduler, string Key);

    /// <summary>Detects the machine and, for a job that asks for resources, takes its place in the queue.</summary>
    private async Task<Queued> EnqueueAsync(JobContext job, CancellationToken ct)
    {
        var capacity = await LocalCapacity.DetectAsync(ct);
        var key = job.Key;
        if (job.Spec.Resources is not { } request || request is { Cpu: null, MemoryBytes: null, GpuCount: 0 })
            return new Queued(capacity, null, key);
        var scheduler = new LocalScheduler(options.SchedulerRoot, capacity, time);
        scheduler.Enqueue(key, job.Run.SubmittedAt, request);
        return new Queued(capacity, scheduler, key);
    }

    private async Task<Reservation> ReserveAsync(JobContext job, Queued queued, CancellationToken ct)
    {
        var request = job.Spec.Resources;
        var notes = new List<string>(ResourceNotes.For(job.Spec));
        IReadOnlyList<int>? gpus = queued.Capacity.Gpus.Count == 0 ? null : [];
        Action release = () => { };
        if (queued.Scheduler is { } scheduler && request is not null)
        {
            var key = queued.Key;
            var granted = await scheduler.AcquireAsync(key, job.Run.SubmittedAt, request,
                reason => SetStateAsync(job, job.Progress(JobStatus.Pending, time.GetUtcNow()) with { Detail = reason }, ct),
                async () => await StopRequestedAsync(job, ct) is not null, ct);
            if (granted is null)
                return new Reservation(() => { }) { Cancelled = await StopRequestedAsync(job, ct) ?? new StopRequest(false, time.GetUtcNow()) };
            release = () => scheduler.Release(key);
            if (gpus is not null) gpus = granted;
        }
        // A container gets its limits from Docker; a host job from cgroups of its own.
        CgroupLimits? limits = null;
        if (job.Spec.Image is null)
        {
            limits = CgroupLimits.TryCreate(job.Key, request?.Cpu, request?.MemoryBytes, out var whyNot);
            if (whyNot is not null) notes.Add($"CPU and memory limits not enforced: {whyNot}");
        }
        if (job.Spec.Image is not null && job.Spec.Python is not null) notes.Add("python applies to host runs; the image provides Python");
        job.Note = notes.Count == 0 ? null : string.Join("; ", notes);
        return new Reservation(release) { VisibleGpus = gpus, Limits = limits };
    }
}
