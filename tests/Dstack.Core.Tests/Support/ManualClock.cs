namespace Dstack.Core.Tests.Support;

/// <summary>
/// A clock that moves only when told, with timers (what <c>Task.Delay(…, TimeProvider)</c> uses): a test can run minutes
/// of retries in milliseconds. <see cref="RunUntilAsync"/> jumps from one timer to the next.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }

    /// <summary>Moves the clock without firing timers (for code that only reads the time).</summary>
    public void Advance(TimeSpan by) { lock (_gate) _now += by; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Lets <paramref name="work"/> run, moving the clock to the next timer each time the work waits on one, until it
    /// ends; fails when it waits on something else (real time) for a second, or the clock passes <paramref name="limit"/>.
    /// </summary>
    public async Task RunUntilAsync(Task work, TimeSpan limit)
    {
        var end = GetUtcNow() + limit;
        while (!work.IsCompleted)
        {
            Timer? next = null;
            for (var waited = 0; waited < 1000 && !work.IsCompleted && (next = Next()) is null; waited += 5) await Task.Delay(5);
            if (work.IsCompleted) break;
            if (next is null) throw new TimeoutException("The work waits on something other than this clock.");
            lock (_gate)
            {
                if (next.Due > end) throw new TimeoutException($"The work still waits at {_now:O}, past the limit.");
                if (next.Due > _now) _now = next.Due;
                _timers.Remove(next);
            }
            next.Fire();
        }
        await work;
    }

    private Timer? Next()
    {
        lock (_gate) return _timers.OrderBy(t => t.Due).FirstOrDefault();
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                Due = clock._now + dueTime;
                clock._timers.Add(this);
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() { lock (clock._gate) clock._timers.Remove(this); }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
