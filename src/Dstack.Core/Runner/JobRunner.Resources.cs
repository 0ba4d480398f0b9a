using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>What a job holds on its host while it runs; disposing gives it back.</summary>
    private sealed class Reservation(IJobTurn? turn) : IDisposable
    {
        private int _disposed;

        public StopRequest? Cancelled { get; init; }
        /// <summary>Null when the host has no GPUs; otherwise the ones the job may use (possibly none).</summary>
        public IReadOnlyList<int>? VisibleGpus { get; init; }
        /// <summary>The host's numbers of those GPUs, for a container; null: the same as <see cref="VisibleGpus"/>.</summary>
        public IReadOnlyList<int>? DeviceGpus { get; init; }
        /// <summary>The CPUs a container is pinned to; null: not pinned.</summary>
        public string? CpuSet { get; init; }

        /// <summary>Gives everything back; safe to call more than once.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            turn?.Dispose();
        }
    }

    /// <summary>
    /// Waits (status pending) until the host has the CPUs, memory and GPUs the job asks for, in submission order
    /// (<see cref="IJobHost"/>). Limits are the executor's to set (cgroups on the host, Docker's in a container).
    /// </summary>
    private async Task<Reservation> ReserveAsync(JobContext job, IJobTurn turn, IReadOnlyList<string> executorNotes, CancellationToken ct)
    {
        var notes = new List<string>(ResourceNotes.For(job.Spec, options.MaxRequeues is not null).Concat(executorNotes));
        var grant = await turn.WaitAsync(
            reason => SetStateAsync(job, job.Progress(JobStatus.Pending, time.GetUtcNow()) with { Detail = reason }, ct),
            async () => await StopRequestedAsync(job, ct) is not null, ct);
        if (grant is null)
        {
            turn.Dispose();
            return new Reservation(null) { Cancelled = await StopRequestedAsync(job, ct) ?? new StopRequest(false, time.GetUtcNow()) };
        }
        job.Note = notes.Count == 0 ? null : string.Join("; ", notes);
        return new Reservation(turn) { VisibleGpus = grant.VisibleGpus, DeviceGpus = grant.DeviceGpus, CpuSet = grant.CpuSet };
    }
}
