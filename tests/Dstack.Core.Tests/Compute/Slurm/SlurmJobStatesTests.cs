using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute;
using Dstack.Core.Models;

namespace Dstack.Core.Tests.Compute.Slurm;

public sealed class SlurmJobStatesTests
{
    [Theory]
    [InlineData("PENDING", "Resources", "slurm: Resources")]
    [InlineData("PENDING", "QOSMaxJobsPerUser", "slurm: QOSMaxJobsPerUser")]
    [InlineData("PENDING", "None", "slurm: queued")]
    public void Pending_IsAliveAndWaitingForSlurmsReason(string state, string reason, string waiting)
    {
        var check = SlurmJobStates.Check(7, state, reason);
        check.Alive.ShouldBe(true);
        check.Waiting.ShouldBe(waiting);
    }

    [Theory]
    [InlineData("CANCELLED", "slurm: CANCELLED")]
    [InlineData("CANCELLED by 1000", "slurm: CANCELLED")]
    [InlineData("NODE_FAIL", "slurm: NODE_FAIL")]
    [InlineData("TIMEOUT", "slurm: TIMEOUT")]
    [InlineData("OUT_OF_MEMORY", "slurm: OUT_OF_MEMORY")]
    public void EndedBySlurm_FailsWithSlurmsState(string state, string detail)
    {
        var check = SlurmJobStates.Check(7, state, "None");
        check.Alive.ShouldBe(false);
        check.End.ShouldBe(new RunnerEnd(TerminationReason.EndedByScheduler, detail));
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData("COMPLETED")]
    public void BatchScriptThatEndedOnItsOwn_IsARunnerLost(string state) =>
        SlurmJobStates.Check(7, state, "None").End.ShouldBe(new RunnerEnd(TerminationReason.RunnerLost, $"Slurm job 7 {state}"));

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("SUSPENDED")]
    public void HeldAndStarted_IsAliveWithoutAWait(string state)
    {
        var check = SlurmJobStates.Check(7, state, "None");
        check.Alive.ShouldBe(true);
        check.Waiting.ShouldBeNull();
    }

    [Theory]
    [InlineData("REQUEUED")]
    [InlineData("REQUEUE_HOLD")]
    [InlineData("REQUEUE_FED")]
    public void Requeued_IsQueuedForItsNextAttempt_NeverOver(string state)
    {
        var check = SlurmJobStates.Check(7, state, "None");
        (check.Alive, check.Waiting, check.End).ShouldBe((true, $"slurm: {state}", null));
    }

    [Fact]
    public void Completing_CannotTellYet() => SlurmJobStates.Check(7, "COMPLETING", "None").ShouldBe(new Dstack.Core.Compute.RunnerCheck(null, "Slurm job 7 COMPLETING"));
}
