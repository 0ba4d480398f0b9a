using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Storage;

/// <summary>
/// The clock never moves unless told: a wait that ends did so because the folder changed. Real time bounds each wait
/// only so that a broken watch fails the test instead of hanging it.
/// </summary>
public sealed class FolderChangeWatchTests : IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dstack-watch-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly ManualClock _clock = new();

    [Fact]
    public async Task FileReplacedInTheFolder_EndsTheWait_WithoutTheClockMoving()
    {
        using var watch = FolderChangeWatch.TryStart(_folder, "state.json").ShouldNotBeNull();
        var waiting = watch.WaitAsync(Hour, _clock, default);
        await File.WriteAllTextAsync(Path.Combine(_folder, "state.json.tmp"), "{}");
        File.Move(Path.Combine(_folder, "state.json.tmp"), Path.Combine(_folder, "state.json"), overwrite: true);
        await waiting.WaitAsync(Bound);
    }

    [Fact]
    public async Task ChangeMadeBetweenWaits_EndsTheNextWaitAtOnce_ThenItIsTaken()
    {
        using var watch = FolderChangeWatch.TryStart(_folder, "state.json").ShouldNotBeNull();
        await File.WriteAllTextAsync(Path.Combine(_folder, "state.json"), "1");
        // The event may reach the watch before or after the wait starts: either way the wait ends.
        await watch.WaitAsync(Hour, _clock, default).WaitAsync(Bound);

        var next = watch.WaitAsync(TimeSpan.FromSeconds(5), _clock, default);
        await _clock.RunUntilAsync(next, TimeSpan.FromSeconds(10)); // no change since: it lasts its whole time
    }

    [Fact]
    public async Task FileInASubfolder_EndsTheWait()
    {
        // As in a run's folder: the jobs' folders are there before anyone follows the run.
        var job = Directory.CreateDirectory(Path.Combine(_folder, "jobs", "1")).FullName;
        using var watch = FolderChangeWatch.TryStart(_folder, "state.json").ShouldNotBeNull();
        var waiting = watch.WaitAsync(Hour, _clock, default);
        await File.WriteAllTextAsync(Path.Combine(job, "state.json"), "{}");
        await waiting.WaitAsync(Bound);
    }

    [Fact]
    public async Task OtherFiles_DoNotEndTheWait()
    {
        using var watch = FolderChangeWatch.TryStart(_folder, "state.json").ShouldNotBeNull();
        var waiting = watch.WaitAsync(TimeSpan.FromSeconds(5), _clock, default);
        await File.WriteAllTextAsync(Path.Combine(_folder, "heartbeat.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(_folder, "state.json.0123.tmp~"), "{}");
        await File.WriteAllTextAsync(Path.Combine(_folder, "marker"), "{}");
        // Whatever reached the watch meanwhile, the wait lasts its whole time on the clock.
        await _clock.RunUntilAsync(waiting, TimeSpan.FromSeconds(10));
        _clock.GetUtcNow().ShouldBeGreaterThanOrEqualTo(new DateTimeOffset(2026, 1, 1, 12, 0, 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task Cancelled_Throws()
    {
        using var watch = FolderChangeWatch.TryStart(_folder, "state.json").ShouldNotBeNull();
        using var cts = new CancellationTokenSource();
        var waiting = watch.WaitAsync(Hour, _clock, cts.Token);
        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
    }

    [Fact]
    public void MissingFolder_CannotBeWatched() =>
        FolderChangeWatch.TryStart(Path.Combine(_folder, "missing"), "state.json").ShouldBeNull();

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
