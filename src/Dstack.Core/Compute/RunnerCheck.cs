namespace Dstack.Core.Compute;

/// <summary>
/// What a compute can tell of a runner it launched: alive (true), gone (false), or neither (null), and then, when it
/// knows, why not (<see cref="CannotTell"/>): the words a "runner lost (…)" verdict gives once the heartbeat is stale.
/// </summary>
public readonly record struct RunnerCheck(bool? Alive, string? CannotTell = null)
{
    /// <summary>The runner's host does not answer: the runner may live on, unseen.</summary>
    public static RunnerCheck HostUnreachable(string host) => new(null, $"host {host} unreachable");
}
