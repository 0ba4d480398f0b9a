using Dstack.Core.Artifacts;
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

    /// <summary>
    /// A run of <paramref name="workflow"/> in <paramref name="repo"/>, its jobs ended with <paramref name="statuses"/>, each
    /// job with an artifact <c>model</c> (see <see cref="ModelOf"/>); a done one is marked as its runner would.
    /// </summary>
    private Task<RunRecord> AddRunAsync(string name, int minute, string workflow = "train", bool marked = true, params JobStatus[] statuses) =>
        AddRunAsync(Repo, name, minute, workflow, marked, statuses);

    /// <summary>The artifact version each job of a run made by <see cref="AddRunAsync(string, int, string, bool, JobStatus[])"/> saved.</summary>
    private static ArtifactVersion ModelOf(string run, int minute) => new("model", $"manifest-of-{run}", 1, 7, Start.AddMinutes(minute));

    private async Task<RunRecord> AddRunAsync(RepoRef repo, string name, int minute, string workflow = "train", bool marked = true, params JobStatus[] statuses)
    {
        if (statuses.Length == 0) statuses = [JobStatus.Done];
        var at = Start.AddMinutes(minute);
        var run = new RunRecord
        {
            RunName = name, Repo = repo, WorkflowName = workflow, ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" },
            Jobs = statuses.Select((_, i) => new JobSpec { Index = i, Commands = ["true"] }).ToList(),
        };
        var runs = new RunStore(_store);
        await runs.CreateAsync(run, at, default);
        for (var i = 0; i < statuses.Length; i++)
        {
            await new ArtifactStore(_store).PublishAsync(repo, name, i, ModelOf(name, minute), default); // before the job's final state
            await runs.PutStateAsync(repo, name, i, new JobState { Status = statuses[i], UpdatedAt = at }, default);
            if (marked) await new DoneRunIndex(_store).MarkIfDoneAsync(run, default); // each job's runner, after its state
        }
        return run;
    }

    private async Task<string?> ResolveAsync(string dep = "train") => (await ResolveDepAsync(dep)).RunName;

    private async Task<ResolvedDep> ResolveDepAsync(string dep = "train", RepoRef? repo = null) =>
        (await new DepResolver(_counted).ResolveAsync(repo ?? Repo, [new DepSpec(DepKind.Workflow, dep)], default))[0];

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

    /// <summary>
    /// The marker holds the run's artifacts: they are read with the run's record and state, all three asked at once (the
    /// record's read is held until the other two have been asked), and the run's artifacts are never listed.
    /// </summary>
    [Fact]
    public async Task Resolve_ReadsTheArtifactsFromTheMarker_WithTheRecordAndState()
    {
        for (var i = 0; i < 3; i++) await AddRunAsync($"run-{i}", i);
        var markerAsked = new TaskCompletionSource();
        var stateAsked = new TaskCompletionSource();
        _counted.BeforeGet = key =>
        {
            if (key.StartsWith(StoreKeys.DoneRunsPrefix, StringComparison.Ordinal)) markerAsked.TrySetResult();
            if (key == StoreKeys.JobState(Repo, "run-2", 0)) stateAsked.TrySetResult();
            return key == StoreKeys.Run(Repo, "run-2")
                ? Task.WhenAll(markerAsked.Task, stateAsked.Task).WaitAsync(TimeSpan.FromSeconds(10))
                : Task.CompletedTask;
        };

        var dep = await ResolveDepAsync();

        dep.RunName.ShouldBe("run-2");
        dep.Artifacts.ShouldBe([ModelOf("run-2", 2)]);
        _counted.Listings.ShouldBe([StoreKeys.DoneRunsOf(Repo, "train")]); // the markers only: no listing of the artifacts
        _counted.Reads.Count.ShouldBe(3);
    }

    /// <summary>A marker an older dstack wrote (empty), or one whose content is damaged: the run's artifacts are listed instead.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("{\"artifacts\": [")]
    public async Task Resolve_MarkerWithoutReadableArtifacts_ListsTheRunsArtifacts(string content)
    {
        var run = await AddRunAsync("old-1", 1, marked: false);
        await _store.PutIfAbsentAsync(StoreKeys.DoneRun(Repo, "train", run.SubmittedAt, "old-1"), System.Text.Encoding.UTF8.GetBytes(content), default);

        var dep = await ResolveDepAsync();

        dep.RunName.ShouldBe("old-1");
        dep.Artifacts.ShouldBe([ModelOf("old-1", 1)]);
        _counted.Listings.ShouldContain(StoreKeys.ArtifactsPrefix(Repo, "old-1", 0));
    }

    /// <summary>A run of several jobs: the marker holds every job's artifacts, in job order, as a listing would give them.</summary>
    [Fact]
    public async Task Resolve_RunOfSeveralJobs_HasEveryJobsArtifacts()
    {
        await AddRunAsync("pair-1", 1, statuses: [JobStatus.Done, JobStatus.Done]);

        var dep = await ResolveDepAsync();

        dep.Artifacts.ShouldBe([ModelOf("pair-1", 1), ModelOf("pair-1", 1)]);
        _counted.Listings.ShouldBe([StoreKeys.DoneRunsOf(Repo, "train")]);
    }

    /// <summary>The newest done run removed: the previous one's artifacts, not the removed one's, come with it.</summary>
    [Fact]
    public async Task Resolve_NewestDoneRunRemoved_HasThePreviousRunsArtifacts()
    {
        for (var i = 0; i < 3; i++) await AddRunAsync($"run-{i}", i);
        await new RunStore(_store).DeleteAsync(Repo, "run-2", default);

        (await ResolveDepAsync()).Artifacts.ShouldBe([ModelOf("run-1", 1)]);
    }

    /// <summary>Two repos of one store with a workflow of the same name: each repo's dep is its own run; <c>owner/repo/NAME</c> the other's.</summary>
    [Fact]
    public async Task Resolve_SeveralRepos_EachRepoFindsItsOwnRun()
    {
        var other = new RepoRef("acme", "gadgets");
        await AddRunAsync("mine-1", 1);
        await AddRunAsync(other, "theirs-1", 2); // newer, same workflow name

        (await ResolveDepAsync()).RunName.ShouldBe("mine-1");
        (await ResolveDepAsync(repo: other)).RunName.ShouldBe("theirs-1");
        var cross = await ResolveDepAsync("acme/gadgets/train");
        cross.RunName.ShouldBe("theirs-1");
        cross.Repo.ShouldBe(other);
        cross.Artifacts.ShouldBe([ModelOf("theirs-1", 2)]);
    }

    /// <summary>Runs ending at the same moment (their runners marking at once), a newer one failed: the newest done one is resolved.</summary>
    [Fact]
    public async Task Resolve_RunsEndingAtOnce_TheNewestDoneOneIsResolved()
    {
        var runs = new List<RunRecord>();
        for (var i = 0; i < 8; i++) runs.Add(await AddRunAsync($"run-{i}", i, marked: false));
        await AddRunAsync("failed-1", 20, statuses: JobStatus.Failed);

        await Task.WhenAll(runs.Select(run => Task.Run(() => new DoneRunIndex(_store).MarkIfDoneAsync(run, default))));

        var dep = await ResolveDepAsync();
        dep.RunName.ShouldBe("run-7");
        dep.Artifacts.ShouldBe([ModelOf("run-7", 7)]);
    }

    /// <summary>Several deps are resolved at once, given in their order; the first that fails, in their order, is the error.</summary>
    [Fact]
    public async Task Resolve_SeveralDeps_InTheirOrder_FirstFailureReported()
    {
        await AddRunAsync("train-1", 1);
        await AddRunAsync("eval-1", 2, workflow: "eval");
        var resolver = new DepResolver(_counted);

        var deps = await resolver.ResolveAsync(Repo, [new DepSpec(DepKind.Workflow, "eval"), new DepSpec(DepKind.Workflow, "train")], default);
        deps.Select(d => d.RunName).ShouldBe(["eval-1", "train-1"]);

        var error = await Should.ThrowAsync<DstackException>(() => resolver.ResolveAsync(Repo,
            [new DepSpec(DepKind.Workflow, "train"), new DepSpec(DepKind.Workflow, "never"), new DepSpec(DepKind.Tag, "nope")], default));
        error.Message.ShouldContain("'never'");
    }
}
