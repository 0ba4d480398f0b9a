using System.Globalization;
using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

/// <summary>
/// Attempts of a requeueable job (Slurm's <c>--requeue</c>: preemption, <c>scontrol requeue</c>): the same job id starts
/// the batch script again, and its runner is attempt N&gt;1. It takes over a job an earlier attempt left unfinished,
/// restores the job's latest saved <c>mount: true</c> artifacts, and runs the commands again with <c>DSTACK_ATTEMPT=N</c>.
/// </summary>
public sealed partial class JobRunner
{
    /// <summary>Each attempt's log chunks are numbered from its own range, so no two attempts ever write the same chunk name.</summary>
    public const long LogSeqPerAttempt = 1_000_000_000;

    /// <summary>Set once a later attempt's state is seen: this runner is stale and writes no state any more.</summary>
    private volatile bool _superseded;

    /// <summary>
    /// Whether this runner takes the job in <paramref name="state"/>: a submitted one, or, as attempt N&gt;1, one an
    /// earlier attempt left unfinished (its runner was ended by the requeue without a final word).
    /// </summary>
    private bool Takes(JobState state) =>
        state.Status == JobStatus.Submitted
        || options.Attempt > 1 && !state.Status.IsFinished() && state.Attempt < options.Attempt;

    /// <summary>The first log chunk number of this attempt (chunks sort by name, so attempt 2's follow attempt 1's).</summary>
    private long FirstLogSeq => (options.Attempt - 1) * LogSeqPerAttempt;

    /// <summary>Past the target's limit of requeues: the job fails with that reason instead of running again.</summary>
    private JobState? OverRequeueLimit(JobContext job)
    {
        if (options.MaxRequeues is not { } max || job.Attempt - 1 <= max) return null;
        var why = string.Create(CultureInfo.InvariantCulture, $"slurm: requeued {job.Attempt - 1} time{(job.Attempt == 2 ? "" : "s")}, more than the limit of {max}");
        job.Logs.AppendLine($"dstack: attempt {job.Attempt}: {why}");
        return Finished(job, JobStatus.Failed, TerminationReason.EndedByScheduler, null, why);
    }

    /// <summary>
    /// Attempt N&gt;1: each <c>mount: true</c> output gets the job's latest saved version of it (what the earlier attempts
    /// checkpointed), then one marker line in the logs says where this attempt starts and how many files it restored.
    /// </summary>
    private async Task RestoreCheckpointsAsync(JobContext job, List<Output> outputs, CancellationToken ct)
    {
        if (job.Attempt <= 1) return;
        var artifacts = new ArtifactStore(storage, options.BlobCache);
        var files = 0;
        foreach (var output in outputs.Where(o => o.Artifact.Mount))
        {
            // Where the earlier attempt saved it: a multi-node run's nodes past rank 0 save under rank-K/.
            var key = StoreKeys.Artifact(job.Run.Repo, job.Run.RunName, job.Spec.Index, ArtifactPaths.Stored(job.Spec, output.Artifact.Path));
            if (await storage.GetRecordAsync<ArtifactVersion>(key, ct) is not { } version) continue;
            ArtifactPaths.DeleteEntry(output.Folder);
            await artifacts.MaterializeAsync(version, output.Folder, $"run {job.Run.RunName}", ct);
            files += version.Files;
        }
        job.Logs.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"dstack: attempt {job.Attempt} after requeue (restored checkpoints: {files} file{(files == 1 ? "" : "s")})"));
    }

    /// <summary>
    /// For a requeueable job, whether a later attempt has written the job's state: then this runner is stale (Slurm ends
    /// it on requeue, but a runner slow to die must not write over the new attempt's state).
    /// </summary>
    private async Task<bool> SupersededAsync(JobContext job, CancellationToken ct)
    {
        if (_superseded) return true;
        if (options.MaxRequeues is null) return false;
        var stored = await _runs.GetStateAsync(job.Run.Repo, job.Run.RunName, job.Spec.Index, ct);
        return _superseded = stored is not null && stored.Attempt > job.Attempt;
    }
}
