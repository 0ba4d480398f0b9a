using System.Globalization;

namespace Dstack.Core.Runner;

/// <summary>Runner settings, with defaults that suit the local store.</summary>
public sealed record RunnerOptions
{
    /// <summary>Scratch space on this machine: working copies and scripts live under it.</summary>
    public required string WorkRoot { get; init; }
    /// <summary>Where runners of this machine share the resource ledger (one per user and machine, not per dstack home).</summary>
    public required string SchedulerRoot { get; init; }
    /// <summary>This machine's copies of content fetched from a remote store, used for working copies and deps; null for none.</summary>
    public Storage.BlobCache? BlobCache { get; init; }
    /// <summary>How the heartbeat names this machine (<c>ps</c> shows it as where the job runs): a Slurm node's name; null: the host name.</summary>
    public string? MachineName { get; init; }
    /// <summary>
    /// In a scheduler's job (Slurm): a SIGTERM with no stop request in the store is the scheduler ending the job (scancel,
    /// time limit, preemption). The job is stopped gracefully and its outputs saved, but no final state is written: readers
    /// ask the scheduler how it ended ("slurm: CANCELLED"), which the runner cannot tell yet when it is signalled.
    /// </summary>
    public bool SchedulerOwnsSignals { get; init; }
    /// <summary>Which attempt of the job this runner makes: 1, or N after the scheduler requeued the job N-1 times (<c>SLURM_RESTART_COUNT</c>).</summary>
    public int Attempt { get; init; } = 1;
    /// <summary>
    /// For a requeueable (interruptible) job: how many requeues it may have; an attempt past that fails the job. Null: the
    /// job is not requeueable. When set, every state write first checks that no later attempt has taken the job over.
    /// </summary>
    public int? MaxRequeues { get; init; }
    /// <summary>How long a graceful stop waits after SIGTERM before it kills the job.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary><c>DSTACK_STOP_GRACE_SECONDS</c>, else 10 s: runners read it, and <c>dstack stop</c> to say how long it waits.</summary>
    public static TimeSpan StopGraceFromEnvironment() =>
        Environment.GetEnvironmentVariable("DSTACK_STOP_GRACE_SECONDS") is { } g
        && double.TryParse(g, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(10);

    /// <summary>How often the runner looks for a stop request.</summary>
    public TimeSpan StopPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How often output is written to the store as a chunk.</summary>
    public TimeSpan LogFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Values the runner holds that its jobs never get, the store's credentials: masked in the job's logs like secrets.</summary>
    public IReadOnlyList<string> CredentialValues { get; init; } = [];
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after the job ends the runner keeps trying a store it cannot reach, to deliver the job's last output and
    /// its result. While the job runs it never stops trying.
    /// </summary>
    public TimeSpan StoreRetryAfterJob { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest pause between two tries of a store that does not answer.</summary>
    public TimeSpan StoreRetryMaxPause { get; init; } = TimeSpan.FromSeconds(10);
}
