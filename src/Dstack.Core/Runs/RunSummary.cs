using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>What a run list shows of a run. Once the run is settled (<see cref="IsSettled"/>) it never changes, so it can be cached.</summary>
public sealed record RunSummary(string RunName, string? WorkflowName, string ProviderName, DateTimeOffset SubmittedAt, string? User, IReadOnlyList<JobState> Jobs)
{
    public static RunSummary Of(RunView view) =>
        new(view.Run.RunName, view.Run.WorkflowName, view.Run.ProviderName, view.Run.SubmittedAt, view.Run.User, view.Jobs)
        {
            MultiNode = view.IsMultiNode,
        };

    /// <summary>The jobs are the nodes of one multi-node run (<c>nodes: N</c>).</summary>
    public bool MultiNode { get; init; }

    public JobState State => RunView.Aggregate(Jobs, MultiNode);

    public bool IsFinished => Jobs.All(j => j.Status.IsFinished());

    /// <summary>
    /// Finished by its runners' own word, so it never changes: "runner lost" is a reader's verdict, which a runner that
    /// was only out of reach (its host off the network) overturns when it is back.
    /// </summary>
    public bool IsSettled => IsFinished && Jobs.All(j => j.Reason != TerminationReason.RunnerLost);
}
