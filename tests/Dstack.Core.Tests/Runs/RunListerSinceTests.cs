using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Core.Tests.Runs;

/// <summary>
/// <c>ps -a</c> with a view of the runs (a cache, or the store's checkpoint) lists only what changed since: the run log after
/// the view, the unfinished runs and the tombstones, never the runs folder (on a bucket, a page per 1,000 runs).
/// </summary>
public sealed class RunListerSinceTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-since-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _storage;
    private readonly CountingStorage _counted;
    private readonly FakeTimeProvider _clock = new(Start);

    public RunListerSinceTests()
    {
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _counted = new CountingStorage(_storage);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A lister on its own machine (each cache name is a machine's).</summary>
    private RunLister Machine(string cache)
    {
        var monitor = new RunMonitor(new RunStore(_counted), new ComputeRegistry(new LocalCompute(["true"], _clock)), _clock);
        return new RunLister(_counted, monitor, Path.Combine(_root, cache, "runs"), time: _clock);
    }

    /// <summary>A run submitted now (with its run log marker, as a submit writes it), its job in <paramref name="status"/>.</summary>
    private async Task AddRunAsync(string name, JobStatus status = JobStatus.Done)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        var at = _clock.GetUtcNow();
        var run = new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await new RunLog(_storage).AddAsync(Repo, name, at, default);
        await new RunStore(_storage).CreateAsync(run, at, default);
        await SetStatusAsync(name, status);
    }

    private Task SetStatusAsync(string name, JobStatus status) =>
        new RunStore(_storage).PutStateAsync(Repo, name, 0, new JobState { Status = status, UpdatedAt = _clock.GetUtcNow() }, default);

    private static List<string> Names(IEnumerable<RunSummary> runs) => runs.Select(r => r.RunName).ToList();

    [Fact]
    public async Task Warm_ListsOnlyWhatChanged_ReadsOnlyTheNewRuns_AndDropsARunRemovedElsewhere()
    {
        for (var i = 0; i < 200; i++) await AddRunAsync($"old-fox-{i}");
        await Machine("a").ListAsync(Repo, default); // the first look lists every run
        _clock.Advance(TimeSpan.FromHours(2));
        await AddRunAsync("new-fox-1");
        await AddRunAsync("new-fox-2", JobStatus.Running);
        await new RunStore(_storage).DeleteAsync(Repo, "old-fox-7", default); // by a teammate: machine a is not told
        _counted.Reset();

        var runs = await Machine("a").ListAsync(Repo, default);

        runs.Count.ShouldBe(201);
        Names(runs.Take(2)).ShouldBe(["new-fox-2", "new-fox-1"]);
        Names(runs).ShouldNotContain("old-fox-7");
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo));
        _counted.RunRecordReads.ShouldBe(2);
    }

    [Fact]
    public async Task ARunNotSettledWhenListed_IsReadAgain_AndShownFinished_HoweverLongAgoItWasSubmitted()
    {
        await AddRunAsync("long-fox-1", JobStatus.Running);
        for (var i = 0; i < 10; i++) await AddRunAsync($"old-fox-{i}");
        await Machine("a").ListAsync(Repo, default);
        _clock.Advance(TimeSpan.FromDays(2)); // far past the run log's overlap: only the view knows of it
        await SetStatusAsync("long-fox-1", JobStatus.Done);
        _counted.Reset();

        var runs = await Machine("a").ListAsync(Repo, default);

        runs.Single(r => r.RunName == "long-fox-1").State.Status.ShouldBe(JobStatus.Done);
        runs.Count.ShouldBe(11);
        _counted.RunRecordReads.ShouldBe(1);
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo));
    }

    /// <summary>A submit whose log marker lands a little late (a slow store, a clock behind) is still found.</summary>
    [Fact]
    public async Task ARunLoggedLate_WithinTheOverlap_IsFound()
    {
        for (var i = 0; i < 3; i++) await AddRunAsync($"old-fox-{i}");
        var submitted = _clock.GetUtcNow();
        await Machine("a").ListAsync(Repo, default);
        _clock.Advance(RunLog.Overlap / 2);
        await new RunLog(_storage).AddAsync(Repo, "late-fox-1", submitted, default);
        await new RunStore(_storage).CreateAsync(new RunRecord
        {
            RunName = "late-fox-1", Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = submitted,
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        }, submitted, default);
        await SetStatusAsync("late-fox-1", JobStatus.Done);

        Names(await Machine("a").ListAsync(Repo, default)).ShouldContain("late-fox-1");
    }

    /// <summary>
    /// Cold (no cache here): the checkpoint's read and the listing of the runs logged since it are asked at once. The
    /// checkpoint's read is held until the log's listing has been asked (asked one after the other, the deadline fails it).
    /// </summary>
    [Fact]
    public async Task Cold_ReadsTheCheckpoint_AndListsTheNewerRuns_AtOnce()
    {
        for (var i = 0; i < RunCheckpoints.Threshold + 1; i++) await AddRunAsync($"old-fox-{i}");
        await Machine("a").ListAsync(Repo, default); // leaves a checkpoint
        (await new RunCheckpoints(_storage).ListAsync(Repo, default)).Count.ShouldBe(1);
        _clock.Advance(TimeSpan.FromHours(1));
        await AddRunAsync("new-fox-1");
        var logAsked = new TaskCompletionSource();
        _counted.BeforeList = (prefix, _) =>
        {
            if (prefix == StoreKeys.RunLogOf(Repo)) logAsked.TrySetResult();
            return Task.CompletedTask;
        };
        _counted.BeforeGet = key => key.StartsWith(StoreKeys.RunSummariesOf(Repo), StringComparison.Ordinal)
            ? logAsked.Task.WaitAsync(TimeSpan.FromSeconds(10)) : Task.CompletedTask;
        _counted.Reset();

        var runs = await Machine("b").ListAsync(Repo, default);

        runs.Count.ShouldBe(RunCheckpoints.Threshold + 2);
        runs[0].RunName.ShouldBe("new-fox-1");
        _counted.RunRecordReads.ShouldBe(1);
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo));
    }

    /// <summary>
    /// A bucket whose only checkpoint an older dstack wrote (named by its newest run, the previous format): a machine without a
    /// cache lists the runs but reads none it holds, and leaves a checkpoint of this format, which the next such machine reads.
    /// </summary>
    [Fact]
    public async Task Cold_WithOnlyAnOlderFormatsCheckpoint_ReadsNoRunItHolds_AndLeavesOneOfThisFormat()
    {
        for (var i = 0; i < RunCheckpoints.Threshold + 1; i++) await AddRunAsync($"old-fox-{i}");
        await OlderFormatCheckpoint.WriteAsync(_storage, Repo, await Machine("a").ListAsync(Repo, default));
        _counted.Reset();

        var runs = await Machine("b").ListAsync(Repo, default);

        runs.Count.ShouldBe(RunCheckpoints.Threshold + 1);
        _counted.RunRecordReads.ShouldBe(0);
        (await new RunCheckpoints(_storage).ListAsync(Repo, default)).Count.ShouldBe(1);
        _counted.Reset();
        (await Machine("c").ListAsync(Repo, default)).Count.ShouldBe(RunCheckpoints.Threshold + 1);
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo));
        _counted.RunRecordReads.ShouldBe(0);
    }

    /// <summary>A store that refuses the checkpoint: the listing is whole, the error is told (once), and the next look tries again.</summary>
    [Fact]
    public async Task AStoreThatRefusesTheCheckpoint_IsTold_AndTheNextLookTriesAgain()
    {
        for (var i = 0; i < RunCheckpoints.Threshold + 1; i++) await AddRunAsync($"old-fox-{i}");
        var refusals = 0;
        _counted.BeforePut = key =>
        {
            if (!key.StartsWith(StoreKeys.RunSummariesOf(Repo), StringComparison.Ordinal)) return Task.CompletedTask;
            refusals++;
            throw new IOException("refused");
        };
        var told = new List<Exception>();
        var monitor = new RunMonitor(new RunStore(_counted), new ComputeRegistry(new LocalCompute(["true"], _clock)), _clock);
        RunLister Lister() => new(_counted, monitor, Path.Combine(_root, "a", "runs"), time: _clock, checkpointFailed: told.Add);

        (await Lister().ListAsync(Repo, default)).Count.ShouldBe(RunCheckpoints.Threshold + 1);
        told.Count.ShouldBe(1);
        told[0].Message.ShouldBe("refused");
        _counted.BeforePut = null;
        await Lister().ListAsync(Repo, default);

        refusals.ShouldBe(1);
        told.Count.ShouldBe(1);
        (await new RunCheckpoints(_storage).ListAsync(Repo, default)).Count.ShouldBe(1);
    }

    /// <summary>
    /// gc drops tombstones older than <see cref="RemovedRuns.Kept"/> and says when: a view listed before that (which may still
    /// hold a run removed then) is not trusted, and every run is listed once; a newer view goes on listing only what changed.
    /// </summary>
    [Fact]
    public async Task Gc_DropsOldTombstones_AndAViewOlderThanThat_ListsEveryRunOnce()
    {
        for (var i = 0; i < 5; i++) await AddRunAsync($"old-fox-{i}");
        await Machine("stale").ListAsync(Repo, default);
        await new RunStore(_storage).DeleteAsync(Repo, "old-fox-1", default);
        _clock.Advance(RemovedRuns.Kept + TimeSpan.FromDays(1));
        // The tombstone's own time is the store's (a file's mtime here): gc looks from far enough ahead to find it old.
        var gcClock = new FakeTimeProvider(DateTimeOffset.UtcNow + RemovedRuns.Kept + TimeSpan.FromDays(1));
        await new GarbageCollector(_storage, gcClock).CollectAsync(TimeSpan.FromDays(1), default);
        (await new RemovedRuns(_storage).ListAsync(Repo, default)).Runs.ShouldBeEmpty();
        await Machine("fresh").ListAsync(Repo, default);
        _counted.Reset();

        var staleRuns = await Machine("stale").ListAsync(Repo, default);
        Names(staleRuns).ShouldNotContain("old-fox-1");
        _counted.Listings.ShouldContain(StoreKeys.RunsPrefix(Repo));

        _counted.Reset();
        Names(await Machine("fresh").ListAsync(Repo, default)).Count.ShouldBe(4);
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo));
    }
}
