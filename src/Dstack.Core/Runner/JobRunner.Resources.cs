using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>What a job holds on this machine while it runs; disposing gives it back.</summary>
    private sealed class Reservation(Action release) : IDisposable
    {
        public StopRequest? Cancelled { get; init; }
        /// <summary>Null when the machine has no GPUs; otherwise the ones the job may use (possibly none).</summary>
        public IReadOnlyList<int>? VisibleGpus { get; init; }
        public CgroupLimits? Limits { get; init; }

        public void Dispose()
        {
            Limits?.Remove();
            release();
        }
    }

    /// <summary>
    /// Waits (status pending) until the machine has the CPUs, memory and GPUs the job asks for, in submission
    /// order; then sets up the limits. A job that asks for nothing starts at once.
    /// </summary>
    private async Task<Reservation> ReserveAsync(JobContext job, CancellationToken ct)
    {
        var request = job.Spec.Resources;
        var notes = new List<string>();
        if (request?.Interruptible == true) notes.Add("interruptible has no effect on this machine");
        if (request?.ShmSizeBytes is not null) notes.Add("shm_size applies to containers only");
        var capacity = await LocalCapacity.DetectAsync(ct);
        IReadOnlyList<int>? gpus = capacity.Gpus.Count == 0 ? null : [];
        Action release = () => { };
        if (request is { Cpu: not null } or { MemoryBytes: not null } or { GpuCount: > 0 })
        {
            var key = $"{job.Run.Repo.Owner}.{job.Run.Repo.Name}.{job.Run.RunName}.{job.Spec.Index}";
            var scheduler = new LocalScheduler(options.SchedulerRoot, capacity, time);
            var granted = await scheduler.AcquireAsync(key, job.Run.SubmittedAt, request,
                reason => SetStateAsync(job, job.Progress(JobStatus.Pending, time.GetUtcNow()) with { Detail = reason }, ct),
                async () => await StopRequestedAsync(job, ct) is not null, ct);
            if (granted is null)
                return new Reservation(() => { }) { Cancelled = await StopRequestedAsync(job, ct) ?? new StopRequest(false, time.GetUtcNow()) };
            release = () => scheduler.Release(key);
            if (gpus is not null) gpus = granted;
        }
        var limits = CgroupLimits.TryCreate($"{job.Run.Repo.Owner}.{job.Run.Repo.Name}.{job.Run.RunName}.{job.Spec.Index}",
            request?.Cpu, request?.MemoryBytes, out var whyNot);
        if (whyNot is not null) notes.Add($"CPU and memory limits not enforced: {whyNot}");
        job.Note = notes.Count == 0 ? null : string.Join("; ", notes);
        return new Reservation(release) { VisibleGpus = gpus, Limits = limits };
    }
}
