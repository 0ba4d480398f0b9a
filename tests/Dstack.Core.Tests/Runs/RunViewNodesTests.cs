using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Core.Tests.Runs;

/// <summary>A multi-node run's state: failed as soon as one node fails, the reason naming that node.</summary>
public sealed class RunViewNodesTests
{
    private static JobState S(JobStatus status, TerminationReason reason = TerminationReason.None, int? exit = null, string? detail = null) =>
        new() { Status = status, Reason = reason, ExitCode = exit, Detail = detail, Host = "h2" };

    [Fact]
    public void ANodeFailing_FailsTheRunAtOnce_NamingTheNode_WhileTheOtherStillStops()
    {
        var state = RunView.Aggregate([S(JobStatus.Stopping), S(JobStatus.Failed, TerminationReason.ExitCode, 1)], multiNode: true);

        state.Status.ShouldBe(JobStatus.Failed);
        state.ReasonText.ShouldBe("node 1 (h2): exit code 1");
    }

    [Fact]
    public void TheNodeThatFailedFirst_IsNamed_NotTheOnesStoppedForIt()
    {
        var state = RunView.Aggregate(
            [S(JobStatus.Failed, TerminationReason.NodeFailed, 0, "node 1 (h2): out of memory"), S(JobStatus.Failed, TerminationReason.OutOfMemory)], multiNode: true);

        state.ReasonText.ShouldBe("node 1 (h2): out of memory");
    }

    [Fact]
    public void JobsOfARunThatIsNotMultiNode_KeepTheRuleOfTheFirstFinishedJob() =>
        RunView.Aggregate([S(JobStatus.Done), S(JobStatus.Failed, TerminationReason.ExitCode, 3)]).Status.ShouldBe(JobStatus.Done);
}
