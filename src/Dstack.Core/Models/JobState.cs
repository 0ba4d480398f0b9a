namespace Dstack.Core.Models;

/// <summary>
/// The live part of a job. The CLI writes it once (submitted); from then on the runner is its only
/// writer, except that a reader may mark a job whose runner is provably gone as failed (runner lost).
/// </summary>
public sealed record JobState
{
    public required JobStatus Status { get; init; }
    public TerminationReason Reason { get; init; }
    public int? ExitCode { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public IReadOnlyList<int> Ports { get; init; } = [];
    public string? Host { get; init; }
    /// <summary>Something the user should know about how the job runs, e.g. that limits are not enforced.</summary>
    public string? Note { get; init; }
    /// <summary>
    /// Which attempt of the job wrote this (1 unless a scheduler requeued it: Slurm's preemption or <c>scontrol requeue</c>).
    /// A runner never writes over a state of a later attempt: a stale runner of an earlier one is superseded.
    /// </summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// A dev environment's server answers: the path and query of its link on the job's first port, with the token
    /// (e.g. <c>/tree?token=…</c>). Written by the runner once the server answers; only readers of the state see it.
    /// </summary>
    public string? Link { get; init; }

    /// <summary>The password the link's login page asks for (code-server's: the token), or null when the link carries the token.</summary>
    public string? Password { get; init; }

    /// <summary>The link on <paramref name="portUrl"/> (where the user reaches the job's first port), or null.</summary>
    public string? LinkAt(string? portUrl) => Link is null || portUrl is null ? null : portUrl.TrimEnd('/') + Link;

    /// <summary>
    /// Set by readers, never stored: the runner lives (its host says so) but has written nothing since then, so it
    /// cannot reach the store; it keeps the job's output until it can.
    /// </summary>
    public DateTimeOffset? StoreUnreachableSince { get; init; }

    /// <summary>
    /// Set by readers, never stored: where the user opens each of <see cref="Ports"/>, as the compute that launched the
    /// runner says (<c>ICompute.Ports</c>); empty when that compute is not known here.
    /// </summary>
    public IReadOnlyList<string> PortUrls { get; init; } = [];

    public string ReasonText => Reason.Describe(ExitCode, Detail);
}
