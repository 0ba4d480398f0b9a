using Dstack.Core.Local;
using Dstack.Core.Compute;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runs;

/// <summary>Plain <c>ps</c> reads the unfinished-run index and the latest run, never a listing of every run.</summary>
public sealed class UnfinishedRunIndexTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-unfinished-" + Guid.NewGuid().ToString("N"));
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly LocalStorage _storage;
    private readonly CountingStorage _counted;
    private readonly RunLister _lister;

    public UnfinishedRunIndexTests()
    {
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _counted = new CountingStorage(_storage);
        var monitor = new RunMonitor(new RunStore(_counted), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        _lister = new RunLister(_counted, monitor, Path.Combine(_root, "cache"));
    }

    private static RunRecord Record(string name, int minutesAgo) => new()
    {
        RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo),
        Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
    };

    /// <summary>As a submit and its runner do: markers, record, then the final state and the runner's removal.</summary>
    private async Task<RunRecord> SubmitAsync(string name, JobStatus status, int minutesAgo, bool indexed = true)
    {
        var run = Record(name, minutesAgo);
        var index = new UnfinishedRunIndex(_storage);
        if (indexed) await index.AddAsync(run, default);
        await new RunStore(_storage).CreateAsync(run, run.SubmittedAt, default);
        await new RunStore(_storage).PutStateAsync(Repo, name, 0, new JobState { Status = status, UpdatedAt = run.SubmittedAt }, default);
        if (indexed) await index.RemoveIfFinishedAsync(run, default);
        return run;
    }

    private bool ListedEveryRun => _counted.Listings.Any(p => p.StartsWith(StoreKeys.RunsPrefix(Repo), StringComparison.Ordinal));

    [Fact]
    public async Task PlainPs_ManyFinishedRuns_ReadsOnlyTheUnfinishedOnes()
    {
        for (var i = 0; i < 50; i++) await SubmitAsync($"old-fox-{i}", JobStatus.Done, 100 - i);
        // Just submitted: their runners are not yet due.
        await SubmitAsync("live-fox-1", JobStatus.Pending, 0);
        await SubmitAsync("live-fox-2", JobStatus.Submitted, 0);
        _counted.Reset();

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["live-fox-2", "live-fox-1"]);

        ListedEveryRun.ShouldBeFalse();
        _counted.RunRecordReads.ShouldBe(2);
    }

    [Fact]
    public async Task PlainPs_NoneUnfinished_ReadsOnlyTheLatest()
    {
        for (var i = 0; i < 50; i++) await SubmitAsync($"old-fox-{i}", JobStatus.Done, 100 - i);
        await new RunStore(_storage).DeleteAsync(Repo, "old-fox-49", default);
        _counted.Reset();

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["old-fox-48"]);

        ListedEveryRun.ShouldBeFalse();
        _counted.Reads.Where(k => k.EndsWith("/run.json", StringComparison.Ordinal)).Distinct()
            .ShouldBe([StoreKeys.Run(Repo, "old-fox-49"), StoreKeys.Run(Repo, "old-fox-48")]); // the removed one's marker, then the latest
    }

    [Fact]
    public async Task PlainPs_ARunThatEndedWhileItsRunnerDied_IsShownOnceAsLatestAndItsMarkerDropped()
    {
        await SubmitAsync("old-fox-1", JobStatus.Done, 10);
        var run = await SubmitAsync("lost-fox-1", JobStatus.Running, 5);
        // Its runner died before removing the marker; a reader then declared the job failed.
        await new RunStore(_storage).PutStateAsync(Repo, run.RunName, 0, new JobState { Status = JobStatus.Failed, UpdatedAt = DateTimeOffset.UtcNow }, default);

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["lost-fox-1"]);

        (await new UnfinishedRunIndex(_storage).UnfinishedAsync(Repo, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task PlainPs_AMarkerOfARemovedRun_HidesNothingAndIsDropped()
    {
        await SubmitAsync("live-fox-1", JobStatus.Pending, 0);
        var gone = await SubmitAsync("gone-fox-1", JobStatus.Pending, 0);
        await new RunStore(_storage).DeleteAsync(Repo, gone.RunName, default);

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["live-fox-1"]);

        (await new UnfinishedRunIndex(_storage).UnfinishedAsync(Repo, default)).Select(m => m.Run).ShouldBe(["live-fox-1"]);
    }

    [Fact]
    public async Task PlainPs_ARunStillBeingSubmitted_IsNotListedAndKeepsItsMarker()
    {
        var run = Record("new-fox-1", 0);
        var index = new UnfinishedRunIndex(_storage);
        await using var submitting = await SubmitMarker.BeginAsync(_storage, Repo, run.RunName, TimeProvider.System, default);
        await index.AddAsync(run, default); // its record is not stored yet

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).ShouldBeEmpty();

        (await index.UnfinishedAsync(Repo, default)).Select(m => m.Run).ShouldBe(["new-fox-1"]);
    }

    [Fact]
    public async Task PlainPs_RunsFromBeforeTheIndex_AreListedOnceThenTheLatestIsFoundInTheIndex()
    {
        for (var i = 0; i < 20; i++) await SubmitAsync($"old-fox-{i}", JobStatus.Done, 100 - i, indexed: false);

        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["old-fox-19"]);
        _counted.Reset();
        (await _lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["old-fox-19"]);

        ListedEveryRun.ShouldBeFalse();
        _counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task Submit_ManyRuns_KeepsOnlyTheNewestFewRecentMarkers()
    {
        for (var i = 0; i < 10; i++) await SubmitAsync($"old-fox-{i}", JobStatus.Done, 100 - i);

        (await new UnfinishedRunIndex(_storage).RecentAsync(Repo, default)).Select(m => m.Run)
            .ShouldBe(["old-fox-9", "old-fox-8", "old-fox-7", "old-fox-6"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
