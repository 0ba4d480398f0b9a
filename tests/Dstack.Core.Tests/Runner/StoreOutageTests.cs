using Dstack.Core.Runner;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>The runner's pacing of a store it cannot reach, on a clock that runs minutes of outage in milliseconds.</summary>
public sealed class StoreOutageTests
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);

    [Fact]
    public void Pauses_GrowFromOneSecond_UpToTheCap()
    {
        Enumerable.Range(1, 7).Select(n => StoreOutage.Pause(n, MaxPause).TotalSeconds).ShouldBe([1, 2, 4, 8, 10, 10, 10]);
        StoreOutage.Pause(10_000, MaxPause).ShouldBe(MaxPause);
    }

    [Fact]
    public async Task KeepTrying_ThroughAThreeMinuteOutage_DeliversWithinAPauseOfTheStoresReturn()
    {
        var clock = new ManualClock();
        var outage = new StoreOutage(clock, MaxPause);
        var start = clock.GetUtcNow();
        var back = start + TimeSpan.FromMinutes(3);
        var tries = new List<DateTimeOffset>();
        Task Write()
        {
            tries.Add(clock.GetUtcNow());
            return clock.GetUtcNow() < back ? throw new IOException("Connection refused") : Task.CompletedTask;
        }

        await clock.RunUntilAsync(outage.KeepTryingAsync(Write, giveUpAt: start + TimeSpan.FromMinutes(15), default), TimeSpan.FromHours(1));

        tries[^1].ShouldBeInRange(back, back + MaxPause);
        tries.Count.ShouldBeLessThan(30, "a long outage costs a try every few seconds, not ten a second");
        outage.Since.ShouldBeNull("the store answers again");
    }

    [Fact]
    public async Task KeepTrying_WhenTheOutageOutlastsTheDeadline_TriesAtTheDeadline_ThenThrowsTheLastFailure()
    {
        var clock = new ManualClock();
        var outage = new StoreOutage(clock, MaxPause);
        var start = clock.GetUtcNow();
        var tries = new List<DateTimeOffset>();
        Task Write()
        {
            tries.Add(clock.GetUtcNow());
            throw new IOException($"refused #{tries.Count}");
        }

        var error = await Should.ThrowAsync<IOException>(clock.RunUntilAsync(outage.KeepTryingAsync(Write, start + TimeSpan.FromMinutes(1), default), TimeSpan.FromHours(1)));

        tries[^1].ShouldBe(start + TimeSpan.FromMinutes(1));
        error.Message.ShouldBe($"refused #{tries.Count}");
        outage.Since.ShouldBe(start);
    }

    [Fact]
    public async Task Try_WhileTheStoreIsDown_NeverThrows_AndWaitsOutEachPause()
    {
        var clock = new ManualClock();
        var outage = new StoreOutage(clock, MaxPause);
        var down = true;
        var calls = 0;
        Task Call()
        {
            calls++;
            return down ? throw new IOException("Connection reset by peer") : Task.CompletedTask;
        }

        (await outage.TryAsync(Call, default)).ShouldBeFalse();
        (await outage.TryAsync(Call, default)).ShouldBeFalse();
        calls.ShouldBe(1, "the second call came within the first pause");
        clock.Advance(TimeSpan.FromSeconds(1));
        (await outage.TryAsync(Call, default)).ShouldBeFalse();
        calls.ShouldBe(2);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await outage.TryAsync(Call, default)).ShouldBeFalse();
        calls.ShouldBe(2, "the pause has grown to two seconds");

        down = false;
        clock.Advance(TimeSpan.FromSeconds(1));
        (await outage.TryAsync(Call, default)).ShouldBeTrue();
        outage.Since.ShouldBeNull();
        outage.IsDue.ShouldBeTrue();
    }
}
