using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>A run as shown to users: its record plus each job's current state.</summary>
public sealed record RunView(RunRecord Run, IReadOnlyList<JobState> Jobs)
{
    public JobState State => Aggregate(Jobs);

    /// <summary>A run's state: the first job's, overridden by any later job that is still unfinished.</summary>
    public static JobState Aggregate(IReadOnlyList<JobState> jobs)
    {
        var state = jobs[0];
        foreach (var job in jobs.Skip(1))
            if (!job.Status.IsFinished()) state = job;
        return state;
    }

    public bool IsFinished => Jobs.All(j => j.Status.IsFinished());
}
