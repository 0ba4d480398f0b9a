using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>A run as shown to users: its record plus each job's current state.</summary>
public sealed record RunView(RunRecord Run, IReadOnlyList<JobState> Jobs)
{
    public JobState State => Aggregate(Jobs, IsMultiNode);

    /// <summary>The jobs are the nodes of one multi-node run (<c>nodes: N</c>).</summary>
    public bool IsMultiNode => Run.Jobs.Count > 1 && Run.Jobs[0].IsMultiNode;

    /// <summary>
    /// A run's state: the first job's, overridden by any later job that is still unfinished. A run of several nodes has
    /// failed as soon as one of them has, the reason naming it (the others are being stopped).
    /// </summary>
    public static JobState Aggregate(IReadOnlyList<JobState> jobs, bool multiNode = false)
    {
        if (multiNode && NodeFailure.Of(jobs) is { } failed) return failed;
        var state = jobs[0];
        foreach (var job in jobs.Skip(1))
            if (!job.Status.IsFinished()) state = job;
        return state;
    }

    public bool IsFinished => Jobs.All(j => j.Status.IsFinished());
}
