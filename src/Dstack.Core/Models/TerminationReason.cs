namespace Dstack.Core.Models;

/// <summary>Why a job ended. Mapped to words by <see cref="TerminationReasonExtensions.Describe"/>.</summary>
public enum TerminationReason
{
    None,
    Completed,
    ExitCode,
    StoppedByUser,
    AbortedByUser,
    RunnerLost,
    RunnerFailed,
    FailedToStart,
    OutOfMemory,
    /// <summary>A disk of this machine (the store's, or the job's working copy's) ran out of space; the detail names its mount point.</summary>
    DiskFull,
    /// <summary>The scheduler the job ran under ended it (cancelled, time limit, node failure); the detail says how ("slurm: TIMEOUT").</summary>
    EndedByScheduler,
    /// <summary>Another node of a multi-node run failed, so this one was stopped; the detail names it ("node 1 (h2): exit code 1").</summary>
    NodeFailed,
}

public static class TerminationReasonExtensions
{
    public static string Describe(this TerminationReason reason, int? exitCode, string? detail = null) => reason switch
    {
        TerminationReason.None => "",
        TerminationReason.Completed => "",
        TerminationReason.ExitCode => $"exit code {exitCode}",
        TerminationReason.StoppedByUser => "stopped by user",
        TerminationReason.AbortedByUser => "aborted by user",
        TerminationReason.RunnerLost => detail is null ? "runner lost" : $"runner lost ({detail})",
        TerminationReason.RunnerFailed => detail is null ? "runner failed" : $"runner failed: {detail}",
        TerminationReason.FailedToStart => detail is null ? "failed to start" : $"failed to start: {detail}",
        TerminationReason.OutOfMemory => detail is null ? "out of memory" : $"out of memory ({detail})",
        TerminationReason.DiskFull => detail is null ? "disk full" : $"disk full ({detail})",
        TerminationReason.EndedByScheduler => detail ?? "ended by the scheduler",
        TerminationReason.NodeFailed => detail ?? "another node failed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
