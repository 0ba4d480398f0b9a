namespace Dstack.Core.Compute;

/// <summary>
/// What a compute can tell of a runner it launched: alive (true), gone (false), or neither (null), and then, when it
/// knows, why not (<see cref="CannotTell"/>): the words a "runner lost (…)" verdict gives once the heartbeat is stale.
/// A scheduler that still holds the job before the runner starts says why (<see cref="Waiting"/>: "slurm: Resources");
/// one that ended it says how (<see cref="End"/>).
/// </summary>
public readonly record struct RunnerCheck(bool? Alive, string? CannotTell = null, string? Waiting = null, RunnerEnd? End = null)
{
    /// <summary>The runner's host does not answer: the runner may live on, unseen.</summary>
    public static RunnerCheck HostUnreachable(string host) => new(null, $"host {host} unreachable");

    /// <summary>Queued by a scheduler for <paramref name="why"/>: the runner has not started yet.</summary>
    public static RunnerCheck Queued(string why) => new(true, Waiting: why);

    /// <summary>Gone, as <paramref name="end"/> says.</summary>
    public static RunnerCheck Ended(RunnerEnd end) => new(false, End: end);
}
