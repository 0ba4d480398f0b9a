namespace Dstack.Core.Runs;

/// <summary>
/// A view of a repo's runs as <c>ps -a</c> last saw them (<see cref="RunCacheFormat"/>): every run listed then by name (a run
/// not settled then is held as submitted, to be read again), and when the listing began (UTC ticks; 0: unknown), from which
/// the next look lists only newer runs (<see cref="RunLog"/>).
/// </summary>
public sealed record RunCache(Dictionary<string, RunSummary> Runs, long ListedAt);
