using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Runs;

/// <summary>A <c>workflow:</c> dep among many runs: found from the done-run index, checked against the runs themselves.</summary>
public sealed class DepResolverTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-deps-" + Guid.NewGuid().ToString("N"));
    private static readonly RepoRef Repo = new("acme", "widgets");
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly LocalStorage _store;
    private readonly CountingStorage _counted;

    public DepResolverTests()
    {
        _store = new LocalStorage(Path.Combine(_root, "store"));
        _counted = new CountingStorage(_store);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>A run of <paramref name="workflow"/>, its jobs ended with <paramref name="statuses"/>; a done one is marked as its runner would.</summary>
    private async Task<RunRecord> AddRunAsync(string name, int minute, string workflow = "train", bool marked = true, params JobStatus[] statuses)
    {
        if (statuses.Length == 0) statuses = [JobStatus.Done];
        var at = Start.AddMinutes(minute);
        var run = new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = workflow, ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" },
            Jobs = statuses.Select((_, i) => new JobSpec { Index = i, Commands = ["true"] }).ToList(),
        };
        var runs = new RunStore(_store);
        await runs.CreateAsync(run, at, default);
        for (var i = 0; i < statuses.Length; i++)
        {
            await runs.PutStateAsync(Repo, name, i, new JobState { Status = statuses[i], UpdatedAt = at }, default);
            if (marked) await new DoneRunIndex(_store).MarkIfDoneAsync(run, default); // each job's runner, after its state
        }
        return run;
    }

    private async Task<string?> ResolveAsync(string dep = "train") =>
        (await new DepResolver(_counted).ResolveAsync(Repo, [new DepSpec(DepKind.Workflow, dep)], default))[0].RunName;

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    public async Task Resolve_AmongManyDoneRuns_ReadsOneRunRecord(int runs)
    {
        for (var i = 0; i < runs; i++) await AddRunAsync($"run-{i}", i);
        await AddRunAsync("other-0", runs, workflow: "eval");
        await AddRunAsync("failed-0", runs + 1, statuses: JobStatus.Failed);

        (await ResolveAsync()).ShouldBe($"run-{runs - 1}");
        _counted.RunRecordReads.ShouldBe(1);
        _counted.Listings.ShouldNotContain(StoreKeys.RunsPrefix(Repo)); // the repo's runs are never listed
        _counted.Reads.Count.ShouldBeLessThanOrEqualTo(3); // its record and its job's state; the artifacts are a listing
    }

    /// <summary>
    /// On a bucket each read is a round trip: the newest marker's run record and its job's state are asked at once (the
    /// record's read is held until the state's has been asked; asked one after the other, the deadline fails the test).
    /// </summary>
    [Fact]
    public async Task Resolve_ReadsTheRunsRecordAndItsStateAtOnce()
    {
        for (var i = 0; i < 3; i++) await AddRunAsync($"run-{i}", i);
        var stateAsked = new TaskCompletionSource();
        _counted.BeforeGet = key =>
        {
            if (key == StoreKeys.JobState(Repo, "run-2", 0)) stateAsked.TrySetResult();
            return key == StoreKeys.Run(Repo, "run-2") ? stateAsked.Task.WaitAsync(TimeSpan.FromSeconds(10)) : Task.CompletedTask;
        };

        (await ResolveAsync()).ShouldBe("run-2");
        _counted.RunRecordReads.ShouldBe(1);
    }

    /// <summary>A tagged run stays the dep's run; once removed (its tombstone written, its records gone), the previous one is.</summary>
    [Fact]
    public async Task Resolve_TaggedThenRemoved_NewestDoneRun_ResolvesItThenThePreviousOne()
    {
        for (var i = 0; i < 3; i++) await AddRunAsync($"run-{i}", i);
        await new Dstack.Core.Tags.TagStore(_store).PutAsync(Repo, new TagRecord { Name = "best", RunName = "run-2", WorkflowName = "train", Artifacts = [], CreatedAt = Start }, default);
        (await ResolveAsync()).ShouldBe("run-2");

        await new RunStore(_store).DeleteAsync(Repo, "run-2", default);

        (await ResolveAsync()).ShouldBe("run-1");
    }

    [Fact]
    public async Task Resolve_NewestDoneRunRemoved_ResolvesThePreviousOne()
    {
        for (var i = 0; i < 20; i++) await AddRunAsync($"run-{i}", i);
        await new RunStore(_store).DeleteAsync(Repo, "run-19", default);

        (await ResolveAsync()).ShouldBe("run-18");
        _counted.RunRecordReads.ShouldBe(2); // the removed one's (missing) and the previous one's
    }

    [Fact]
    public async Task Resolve_EveryMarkedRunRemoved_ReadsTheRunsOnceThenTheIndexAgain()
    {
        for (var i = 0; i < 10; i++) await AddRunAsync($"run-{i}", i);
        for (var i = 5; i < 10; i++) await new RunStore(_store).DeleteAsync(Repo, $"run-{i}", default);

        (await ResolveAsync()).ShouldBe("run-4");
        _counted.Reset();
        (await ResolveAsync()).ShouldBe("run-4");
        _counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task Resolve_TeammateEndsANewerRun_ItIsResolved()
    {
        for (var i = 0; i < 10; i++) await AddRunAsync($"run-{i}", i);
        (await ResolveAsync()).ShouldBe("run-9");

        // Another machine, another dstack home, the same store: its runner marks the run there.
        await AddRunAsync("teammate-1", 30);
        (await ResolveAsync()).ShouldBe("teammate-1");
    }

    [Fact]
    public async Task Resolve_OlderRunEndsAfterANewerOne_TheNewerStaysResolved()
    {
        await AddRunAsync("newer-1", 10);
        await AddRunAsync("older-1", 5); // submitted first, ended last

        (await ResolveAsync()).ShouldBe("newer-1");
    }

    [Fact]
    public async Task Resolve_StoreFromBeforeTheIndex_ReadsTheRunsOnceThenTheIndex()
    {
        for (var i = 0; i < 10; i++) await AddRunAsync($"run-{i}", i, marked: false);
        await AddRunAsync("failed-0", 20, marked: false, statuses: JobStatus.Failed);

        (await ResolveAsync()).ShouldBe("run-9");
        _counted.RunRecordReads.ShouldBeGreaterThanOrEqualTo(10);
        _counted.Reset();
        (await ResolveAsync()).ShouldBe("run-9");
        _counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task Mark_RunWithAJobNotDone_IsNotMarked()
    {
        await AddRunAsync("done-1", 1);
        await AddRunAsync("half-1", 2, statuses: [JobStatus.Done, JobStatus.Running]);
        await AddRunAsync("half-2", 3, statuses: [JobStatus.Done, JobStatus.Failed]);

        (await ResolveAsync()).ShouldBe("done-1");
        _counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task Mark_RunWithEveryJobDone_IsMarkedByTheLastJob()
    {
        await AddRunAsync("done-1", 1);
        await AddRunAsync("both-1", 2, statuses: [JobStatus.Done, JobStatus.Done]);

        (await ResolveAsync()).ShouldBe("both-1");
        _counted.RunRecordReads.ShouldBe(1);
    }

    [Fact]
    public async Task Mark_ManyRunsEnded_KeepsTheIndexFolderSmall()
    {
        for (var i = 0; i < 30; i++) await AddRunAsync($"run-{i}", i);

        var markers = new List<string>();
        await foreach (var key in _store.ListAsync(StoreKeys.DoneRunsOf(Repo, "train"), default)) markers.Add(key);
        markers.Count.ShouldBeLessThanOrEqualTo(5);
        markers[0].ShouldEndWith(".run-29");
    }

    [Fact]
    public async Task Resolve_WorkflowWithoutADoneRun_SaysSo()
    {
        await AddRunAsync("failed-0", 1, statuses: JobStatus.Failed);

        (await Should.ThrowAsync<DstackException>(() => ResolveAsync())).Message.ShouldContain("has no done run");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("tags")]
    public async Task Resolve_WorkflowNamedLikeAFolder_StaysInItsOwn(string workflow)
    {
        await AddRunAsync("run-1", 1, workflow: workflow);

        (await ResolveAsync(workflow)).ShouldBe("run-1");
        var keys = new List<string>();
        await foreach (var key in _store.ListAsync(StoreKeys.DoneRunsPrefix, default)) keys.Add(key);
        keys.ShouldHaveSingleItem().ShouldStartWith($"{StoreKeys.DoneRunsPrefix}acme/widgets/");
    }
}
