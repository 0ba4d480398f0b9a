using Microsoft.Extensions.Time.Testing;

namespace Dstack.Core.Tests.Support;

/// <summary>A fake clock that tells when the code under test first waits on it (creates a timer).</summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly TaskCompletionSource _waitedOn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitedOn => _waitedOn.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waitedOn.TrySetResult();
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
