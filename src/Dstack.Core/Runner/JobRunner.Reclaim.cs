using Dstack.Core.Models;

namespace Dstack.Core.Runner;

public sealed partial class JobRunner
{
    /// <summary>
    /// After a silence past the stale window (its host off the network, the store out of reach, the machine suspended),
    /// a reader may have declared this runner lost. It is alive, so it wins: it re-reads the job's state and, finding that
    /// verdict, puts back the last state it wrote and the run's place in plain <c>ps</c>'s index. Under the state lock, so
    /// that a final state written meanwhile is never followed by an older one.
    /// </summary>
    private async Task ReclaimAsync(JobContext job, CancellationToken ct)
    {
        await _stateGate.WaitAsync(ct);
        try
        {
            var stored = await _runs.GetStateAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ct);
            if (stored is not { Status: JobStatus.Failed, Reason: TerminationReason.RunnerLost } || _lastState is not { } mine) return;
            await _runs.PutStateAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, mine with { UpdatedAt = time.GetUtcNow() }, ct);
            if (!mine.Status.IsFinished()) await new Runs.UnfinishedRunIndex(storage).ReinstateAsync(job.Run, ct);
        }
        finally { _stateGate.Release(); }
    }
}
