using System.Text;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runner;

/// <summary>
/// A runner starts while the CLI still stores the run's code: it waits for the record as long as the CLI's submit marker
/// moves (a 20,000-file snapshot in a bucket takes minutes), and gives up soon after the CLI is gone.
/// </summary>
public sealed class RecordWaitTests : IDisposable
{
    private static readonly JobSpec Job = new() { Commands = ["python train.py"] };
    private readonly RunnerHarness _h = new();
    private long _count;

    public void Dispose() => _h.Dispose();

    private string MarkerKey => StoreKeys.Submitting(_h.Repo, _h.RunName);

    /// <summary>How many times the runner asked for the submit marker.</summary>
    private int ReadsOfMarker()
    {
        lock (_h.Flaky.Reads) return _h.Flaky.Reads.Count(k => k == MarkerKey);
    }

    /// <summary>What a live CLI does every few seconds (<see cref="SubmitMarker"/>), done here in step with the clock.</summary>
    private Task MoveMarkerAsync() => _h.Store.PutAsync(MarkerKey, Encoding.ASCII.GetBytes((_count++).ToString()), default);

    [Fact]
    public async Task Runner_WhileTheCliStillSubmits_WaitsForTheRecord_ThenRunsTheJob()
    {
        await MoveMarkerAsync();
        _h.Start();
        var until = _h.Clock.GetUtcNow() + TimeSpan.FromMinutes(10);
        var steps = 0;
        await _h.DriveUntilAsync(async () =>
        {
            if (steps++ % 5 == 0) await MoveMarkerAsync();
            return _h.Clock.GetUtcNow() >= until;
        }, "ten minutes of a slow submit", TimeSpan.FromMinutes(11), TimeSpan.FromSeconds(1));
        _h.Runner!.IsCompleted.ShouldBeFalse("the runner waits while the CLI lives");

        await _h.SubmitAsync(Job);
        await _h.Store.DeleteAsync(MarkerKey, default);
        await _h.DriveUntilAsync(() => _h.Executor.Job is not null, "the job to be launched");
    }

    [Fact]
    public async Task Runner_WhenTheCliDiesMidSubmit_GivesUpOnceItsMarkerStopsMoving()
    {
        await MoveMarkerAsync();
        var started = _h.Clock.GetUtcNow();
        _h.Start();

        var error = await Should.ThrowAsync<DstackException>(() => _h.FinishAsync());

        error.Message.ShouldContain("was never stored");
        (_h.Clock.GetUtcNow() - started).ShouldBeInRange(SubmitWatch.Stale, SubmitWatch.Stale + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Runner_WhenTheMarkerIsRemovedWithoutARecord_GivesUpAtOnce()
    {
        await MoveMarkerAsync();
        var started = _h.Clock.GetUtcNow();
        _h.Start();
        // Seen once the runner asks for it a second time (its reads come one after another), however slowly the machine
        // schedules it: a fixed span of the clock could pass before its first read, and it would never have seen one.
        await _h.DriveUntilAsync(() => ReadsOfMarker() >= 2, "the runner to read the marker twice", step: TimeSpan.FromMilliseconds(500));
        await _h.Store.DeleteAsync(MarkerKey, default); // the submit failed

        await Should.ThrowAsync<DstackException>(() => _h.FinishAsync());

        (_h.Clock.GetUtcNow() - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Runner_WithoutAnySignFromTheCli_GivesUpAfterTwoMinutes()
    {
        var started = _h.Clock.GetUtcNow();
        _h.Start();

        await Should.ThrowAsync<DstackException>(() => _h.FinishAsync());

        (_h.Clock.GetUtcNow() - started).ShouldBeInRange(SubmitWatch.FirstSign, SubmitWatch.FirstSign + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SubmitMarker_MovesWithTheClock_AndIsRemovedWhenDisposed()
    {
        var marker = await SubmitMarker.BeginAsync(_h.Store, _h.Repo, _h.RunName, _h.Clock, default);
        (await Count()).ShouldBe("0");

        _h.Clock.Advance(SubmitMarker.Refresh);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await Count() == "0" && DateTime.UtcNow < deadline) await Task.Yield();

        (await Count()).ShouldBe("1");
        await marker.DisposeAsync();
        (await _h.Store.ExistsAsync(MarkerKey, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task SubmitMarker_OverAStoreThatGoesAway_NeverFailsTheSubmit()
    {
        var marker = await SubmitMarker.BeginAsync(_h.Flaky, _h.Repo, _h.RunName, _h.Clock, default);
        _h.Flaky.Down = true;
        var refused = _h.Flaky.Refused;

        _h.Clock.Advance(SubmitMarker.Refresh);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (_h.Flaky.Refused == refused && DateTime.UtcNow < deadline) await Task.Yield();

        _h.Flaky.Refused.ShouldBeGreaterThan(refused, "the refresh was tried");
        await marker.DisposeAsync(); // the refresh's and the removal's failures stay inside
    }

    private async Task<string?> Count() => await _h.Store.GetAsync(MarkerKey, default) is { } data ? Encoding.ASCII.GetString(data) : null;
}
