using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runs;

public sealed class RunListerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-lister-" + Guid.NewGuid().ToString("N"));
    private static readonly RepoRef Repo = new("acme", "widgets");

    private (LocalStorage Storage, RunLister Lister) Make()
    {
        var storage = new LocalStorage(Path.Combine(_root, "store"));
        var monitor = new RunMonitor(new RunStore(storage), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        return (storage, new RunLister(storage, monitor, Path.Combine(_root, "cache.json")));
    }

    private static async Task AddRunAsync(IStorage storage, string name, JobStatus status, int minutesAgo)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo);
        var run = new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await new RunLog(storage).AddAsync(Repo, name, at, default); // as a submit does
        await new RunStore(storage).CreateAsync(run, at, default);
        await new RunStore(storage).PutStateAsync(Repo, name, 0, new JobState { Status = status, UpdatedAt = at }, default);
    }

    /// <summary>A first `ps -a` of many runs reads them a bounded number at a time: 20,000 requests at once time out on a bucket.</summary>
    [Fact]
    public async Task List_WithoutCache_ReadsManyRuns_AtMostReadParallelismAtATime()
    {
        var (storage, _) = Make();
        for (var i = 0; i < RunLister.ReadParallelism * 3; i++) await AddRunAsync(storage, $"run-{i}", JobStatus.Done, i + 1);
        var counting = new CountingStorage(storage) { GetLatency = TimeSpan.FromMilliseconds(5) };
        var monitor = new RunMonitor(new RunStore(counting), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        var lister = new RunLister(counting, monitor, Path.Combine(_root, "cold-cache.json"));

        (await lister.ListAsync(Repo, default)).Count.ShouldBe(RunLister.ReadParallelism * 3);

        counting.RunRecordReads.ShouldBeGreaterThanOrEqualTo(RunLister.ReadParallelism * 3);
        counting.MaxGetsInFlight.ShouldBeLessThanOrEqualTo(RunLister.ReadParallelism * 2, "a run's record and its job's state may be read together");
        counting.MaxGetsInFlight.ShouldBeGreaterThan(1, "reads still overlap");
    }

    [Fact]
    public async Task List_FinishedRunsComeFromTheCache_RemovedRunsDropOut()
    {
        var (storage, lister) = Make();
        await AddRunAsync(storage, "old-fox-1", JobStatus.Done, 10);
        await AddRunAsync(storage, "new-fox-1", JobStatus.Failed, 5);

        (await lister.ListAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["new-fox-1", "old-fox-1"]);
        // Once cached, a finished run's records are not read again: a damaged record does not matter.
        await storage.PutAsync(StoreKeys.Run(Repo, "old-fox-1"), "not json"u8.ToArray(), default);
        await new RunStore(storage).DeleteAsync(Repo, "new-fox-1", default);

        var second = await lister.ListAsync(Repo, default);

        second.Select(r => (r.RunName, r.State.Status)).ShouldBe([("old-fox-1", JobStatus.Done)]);
    }

    [Fact]
    public async Task List_ARunDeclaredRunnerLost_IsNotCached_SoItsRunnerBackFromOutOfReachIsSeenToFinish()
    {
        var (storage, lister) = Make();
        await AddRunAsync(storage, "far-fox-1", JobStatus.Running, 5);
        var lost = new JobState { Status = JobStatus.Failed, Reason = TerminationReason.RunnerLost, Detail = "host h3 unreachable", UpdatedAt = DateTimeOffset.UtcNow };
        await new RunStore(storage).PutStateAsync(Repo, "far-fox-1", 0, lost, default);
        (await lister.ListAsync(Repo, default)).Single().State.ReasonText.ShouldBe("runner lost (host h3 unreachable)");

        // The runner was alive on a host that did not answer; back, it finishes the job.
        await new RunStore(storage).PutStateAsync(Repo, "far-fox-1", 0, new JobState { Status = JobStatus.Done, UpdatedAt = DateTimeOffset.UtcNow }, default);

        (await lister.ListAsync(Repo, default)).Single().State.Status.ShouldBe(JobStatus.Done);
    }

    [Theory]
    [InlineData("run.json")]
    [InlineData("jobs/0/state.json")]
    public async Task List_ARunWhoseRecordCannotBeRead_IsLeftOutAndReportedByKey(string record)
    {
        var storage = new LocalStorage(Path.Combine(_root, "store"));
        var monitor = new RunMonitor(new RunStore(storage), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        var skipped = new List<string>();
        var lister = new RunLister(storage, monitor, Path.Combine(_root, "cache.json"), e => skipped.Add(e.Key));
        await AddRunAsync(storage, "good-fox-1", JobStatus.Done, 10);
        await AddRunAsync(storage, "broken-fox-1", JobStatus.Done, 5);
        await storage.PutAsync(StoreKeys.RunPrefix(Repo, "broken-fox-1") + record, "{\"status\": \"do"u8.ToArray(), default);

        var listed = await lister.ListAsync(Repo, default);

        listed.Select(r => r.RunName).ShouldBe(["good-fox-1"]);
        skipped.ShouldBe([StoreKeys.RunPrefix(Repo, "broken-fox-1") + record]);
    }

    [Fact]
    public async Task RunStoreList_ARunWhoseRecordCannotBeRead_IsLeftOutAndReported()
    {
        var storage = new LocalStorage(Path.Combine(_root, "store"));
        await AddRunAsync(storage, "good-fox-1", JobStatus.Done, 10);
        await AddRunAsync(storage, "broken-fox-1", JobStatus.Done, 5);
        await storage.PutAsync(StoreKeys.Run(Repo, "broken-fox-1"), "{"u8.ToArray(), default);
        var skipped = new List<string>();

        var runs = await new RunStore(storage, e => skipped.Add(e.Key)).ListAsync(Repo, default);

        runs.Select(r => r.RunName).ShouldBe(["good-fox-1"]);
        skipped.ShouldBe([StoreKeys.Run(Repo, "broken-fox-1")]);
        await Should.ThrowAsync<UnreadableRecordException>(() => new RunStore(storage).ListAsync(Repo, default));
    }

    private (LocalStorage Storage, Support.CountingStorage Counted, RunLister Lister) MakeCounted()
    {
        var storage = new LocalStorage(Path.Combine(_root, "store"));
        var counted = new Support.CountingStorage(storage);
        var monitor = new RunMonitor(new RunStore(counted), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        return (storage, counted, new RunLister(counted, monitor, Path.Combine(_root, "cache.json")));
    }

    [Fact]
    public async Task ListUnfinished_ManyFinishedRuns_ReadsOnlyTheUnfinishedOnes()
    {
        var (storage, counted, lister) = MakeCounted();
        for (var i = 0; i < 50; i++) await AddRunAsync(storage, $"old-fox-{i}", JobStatus.Done, 100 - i);
        await lister.ListAsync(Repo, default); // `ps -a` once: the cache holds them
        await AddRunAsync(storage, "live-fox-1", JobStatus.Pending, 0); // just submitted: its runner is not yet due
        // The cached summaries are not even parsed (damaged, they would make a full listing read every run).
        await File.WriteAllTextAsync(Path.Combine(_root, "cache.json"), "{");
        counted.Reset();

        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["live-fox-1"]);
        counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task ListUnfinished_NoneUnfinished_ReadsOnlyTheLatest()
    {
        var (storage, counted, lister) = MakeCounted();
        for (var i = 0; i < 50; i++) await AddRunAsync(storage, $"old-fox-{i}", JobStatus.Done, 100 - i);
        await lister.ListAsync(Repo, default);
        await new RunStore(storage).DeleteAsync(Repo, "old-fox-49", default);
        counted.Reset();

        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["old-fox-48"]);
        counted.RunRecordReads.ShouldBe(1);
    }

    /// <summary>
    /// On a bucket each request is a round trip: plain <c>ps</c> with nothing unfinished asks for both index listings at once, then
    /// for the latest run's record and its job's state at once. Each first request is held until its partner has been asked
    /// (asked one after the other, the first would wait for ever: the deadline fails the test).
    /// </summary>
    [Fact]
    public async Task ListUnfinished_NoneUnfinished_AsksItsQuestionsTwoAtATime()
    {
        var (storage, counted, lister) = MakeCounted();
        for (var i = 0; i < 3; i++) await AddRunAsync(storage, $"old-fox-{i}", JobStatus.Done, 10 - i);
        await new UnfinishedRunIndex(storage).MarkRecentAsync(Repo, "old-fox-2", DateTimeOffset.UtcNow.AddMinutes(-8), default);
        var recentAsked = new TaskCompletionSource();
        var stateAsked = new TaskCompletionSource();
        counted.BeforeList = (prefix, _) =>
        {
            if (prefix == StoreKeys.RecentRunsOf(Repo)) recentAsked.TrySetResult();
            return prefix == StoreKeys.UnfinishedRunsOf(Repo) ? recentAsked.Task.WaitAsync(TimeSpan.FromSeconds(10)) : Task.CompletedTask;
        };
        counted.BeforeGet = key =>
        {
            if (key == StoreKeys.JobState(Repo, "old-fox-2", 0)) stateAsked.TrySetResult();
            return key == StoreKeys.Run(Repo, "old-fox-2") ? stateAsked.Task.WaitAsync(TimeSpan.FromSeconds(10)) : Task.CompletedTask;
        };

        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => (r.RunName, r.State.Status)).ShouldBe([("old-fox-2", JobStatus.Done)]);
        counted.Listings.Count.ShouldBe(2);
        counted.Reads.Count.ShouldBe(2); // the record and the state, nothing more
    }

    [Fact]
    public async Task ListUnfinished_ARunFinishedSince_IsShownAsLatestAndCachedOnce()
    {
        var (storage, counted, lister) = MakeCounted();
        for (var i = 0; i < 10; i++) await AddRunAsync(storage, $"old-fox-{i}", JobStatus.Done, 100 - i);
        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["old-fox-9"]); // no cache yet
        // A teammate's, finished before this machine saw it (submitted with its index markers).
        await new UnfinishedRunIndex(storage).MarkRecentAsync(Repo, "new-fox-1", DateTimeOffset.UtcNow.AddMinutes(-1), default);
        await AddRunAsync(storage, "new-fox-1", JobStatus.Failed, 1);

        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["new-fox-1"]);
        counted.Reset();
        (await lister.ListUnfinishedOrLatestAsync(Repo, default)).Select(r => r.RunName).ShouldBe(["new-fox-1"]);
        counted.RunRecordReads.ShouldBe(1);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
