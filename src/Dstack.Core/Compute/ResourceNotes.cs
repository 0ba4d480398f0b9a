using Dstack.Core.Models;

namespace Dstack.Core.Compute;

/// <summary>Requests this machine accepts but cannot honour, in the words both <c>dstack run</c> and <c>ps</c> use.</summary>
public static class ResourceNotes
{
    public const string Interruptible = "interruptible has no effect on this machine";
    public const string ShmSizeOnHost = "shm_size applies to containers only";

    /// <summary>What has no effect for this job, in the order above; <paramref name="requeueable"/>: interruptible does (a Slurm target).</summary>
    public static IReadOnlyList<string> For(JobSpec job, bool requeueable = false)
    {
        var notes = new List<string>();
        if (job.Resources?.Interruptible == true && !requeueable) notes.Add(Interruptible);
        if (job.Resources?.ShmSizeBytes is not null && job.Image is null) notes.Add(ShmSizeOnHost);
        return notes;
    }

    /// <summary>One sentence for all the jobs of a run, or null when everything asked for applies.</summary>
    public static string? NoEffectHere(IEnumerable<JobSpec> jobs, bool requeueable = false) =>
        jobs.SelectMany(j => For(j, requeueable)).Distinct().ToList() is { Count: > 0 } notes ? string.Join("; ", notes) : null;
}
