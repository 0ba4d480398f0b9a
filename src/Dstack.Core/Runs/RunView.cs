using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>A run as shown to users: its record plus each job's current state.</summary>
public sealed record RunView(RunRecord Run, IReadOnlyList<JobState> Jobs)
{
    /// <summary>The first job's status, overridden by any later job that is still unfinished.</summary>
    public JobState State
    {
        get
        {
            var state = Jobs[0];
            foreach (var job in Jobs.Skip(1))
                if (!job.Status.IsFinished()) state = job;
            return state;
        }
    }

    public bool IsFinished => Jobs.All(j => j.Status.IsFinished());
}
