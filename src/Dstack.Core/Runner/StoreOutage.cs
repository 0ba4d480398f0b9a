namespace Dstack.Core.Runner;

/// <summary>
/// The runner's memory of a store it cannot reach: since when, and when to try again. Pauses between tries grow from
/// one second to <c>maxPause</c>, so a long outage costs a request every few seconds rather than ten a second, and
/// the store is written again within <c>maxPause</c> of its return. A failing store never ends the job: while the
/// job runs the runner keeps trying; after it ends, <see cref="KeepTryingAsync"/> tries until a deadline.
/// Thread-safe.
/// </summary>
public sealed class StoreOutage(TimeProvider time, TimeSpan maxPause)
{
    private readonly object _gate = new();
    private int _failures;
    private DateTimeOffset _nextTry;
    private DateTimeOffset? _since;

    /// <summary>When the current outage began; null while the store answers.</summary>
    public DateTimeOffset? Since { get { lock (_gate) return _since; } }

    /// <summary>Whether a store call may be tried now: always while the store answers, else once the pause is over.</summary>
    public bool IsDue { get { lock (_gate) return _since is null || time.GetUtcNow() >= _nextTry; } }

    /// <summary>The pause after the <paramref name="failures"/>-th failure in a row: 1 s, 2 s, 4 s, … up to <paramref name="max"/>.</summary>
    public static TimeSpan Pause(int failures, TimeSpan max) =>
        TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, Math.Pow(2, Math.Clamp(failures, 1, 30) - 1)));

    /// <summary>Records a failed call; returns how long to wait before the next one.</summary>
    public TimeSpan Failed()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _since ??= now;
            var pause = Pause(++_failures, maxPause);
            _nextTry = now + pause;
            return pause;
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _since = null;
            _failures = 0;
        }
    }

    /// <summary>
    /// Makes one store call when it is due; a failure is recorded, not thrown (the job goes on). True when it was made and succeeded.
    /// </summary>
    public async Task<bool> TryAsync(Func<Task> call, CancellationToken ct)
    {
        if (!IsDue) return false;
        try
        {
            await call();
            Succeeded();
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            Failed();
            return false;
        }
    }

    /// <summary>
    /// Makes a store call until it succeeds, pausing between tries, until <paramref name="giveUpAt"/>: then the last
    /// failure is thrown.
    /// </summary>
    public async Task KeepTryingAsync(Func<Task> call, DateTimeOffset giveUpAt, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await call();
                Succeeded();
                return;
            }
            catch (Exception) when (!ct.IsCancellationRequested && time.GetUtcNow() < giveUpAt)
            {
                var pause = Failed();
                var left = giveUpAt - time.GetUtcNow();
                await Task.Delay(pause < left ? pause : left > TimeSpan.Zero ? left : TimeSpan.Zero, time, ct);
            }
        }
    }
}
