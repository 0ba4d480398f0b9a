using Dstack.Core.Models;

namespace Dstack.Core.Compute.Slurm;

/// <summary>Slurm's job states (<c>squeue -o %T</c>, <c>sacct -o State</c>) as the runner's life: held (queued or running), ending, or over, and how.</summary>
public static class SlurmJobStates
{
    private static readonly HashSet<string> Held = new(StringComparer.Ordinal)
    {
        "PENDING", "CONFIGURING", "RUNNING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT",
    };

    /// <summary>
    /// Requeued (preempted with requeue, <c>scontrol requeue</c>): queued for its next attempt, never over. A job Slurm
    /// preempts and requeues goes REQUEUED, then PENDING (reason BeginTime); PREEMPTED is the state of one preempted for good.
    /// </summary>
    private static readonly HashSet<string> Requeued = new(StringComparer.Ordinal) { "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED" };

    /// <summary>Slurm ended the job itself: the runner had no say, and the verdict is Slurm's.</summary>
    private static readonly HashSet<string> EndedBySlurm = new(StringComparer.Ordinal)
    {
        "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED",
    };

    /// <summary>True while Slurm holds the job (a pending job's runner is yet to start); false once it ends (COMPLETING included) or is unknown.</summary>
    public static bool Holds(string state) => Held.Contains(state);

    /// <summary>
    /// What a reader makes of job <paramref name="id"/> in <paramref name="state"/> (sacct's "CANCELLED by 1000" too):
    /// held → alive (pending: Slurm's <paramref name="reason"/>); ended by Slurm → failed "slurm: STATE"; ended on its own
    /// (the batch script, that is the runner, exited) → runner lost; completing or unknown → cannot tell.
    /// </summary>
    public static RunnerCheck Check(long id, string state, string? reason)
    {
        state = state.Split(' ', 2)[0].TrimEnd('+');
        if (state == "PENDING") return RunnerCheck.Queued($"slurm: {(string.IsNullOrEmpty(reason) || reason == "None" ? "queued" : reason)}");
        if (Requeued.Contains(state)) return RunnerCheck.Queued($"slurm: {state}");
        if (Held.Contains(state)) return new RunnerCheck(true);
        if (EndedBySlurm.Contains(state)) return RunnerCheck.Ended(new RunnerEnd(TerminationReason.EndedByScheduler, $"slurm: {state}"));
        if (state is "COMPLETED" or "FAILED") return RunnerCheck.Ended(new RunnerEnd(TerminationReason.RunnerLost, $"Slurm job {id} {state}"));
        return new RunnerCheck(null, $"Slurm job {id} {(state.Length == 0 ? "in no known state" : state)}");
    }
}
