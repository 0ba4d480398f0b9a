using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>How a multi-node run says which node ended it: <c>node 1 (h2): exit code 1</c>.</summary>
public static class NodeFailure
{
    /// <summary>The failure of node <paramref name="rank"/> in words; one that was itself stopped for another's says that one.</summary>
    public static string Describe(int rank, JobState state) =>
        state.Reason == TerminationReason.NodeFailed && state.Detail is { } origin ? origin
        : $"node {rank} ({state.Host ?? "?"}): {state.ReasonText}";

    /// <summary>The first node that failed on its own (not stopped for another), as the run's state; null when none did.</summary>
    public static JobState? Of(IReadOnlyList<JobState> nodes)
    {
        for (var rank = 0; rank < nodes.Count; rank++)
            if (nodes[rank] is { Status: JobStatus.Failed } failed && failed.Reason != TerminationReason.NodeFailed)
                return failed with { Reason = TerminationReason.NodeFailed, Detail = Describe(rank, failed) };
        return nodes.FirstOrDefault(n => n.Status == JobStatus.Failed);
    }
}
