using Dstack.Core.Git;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runs;

public sealed class RunSubmitterTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-submit-").FullName;

    private SubmitRequest Request(Task<IReadOnlyList<ResolvedDep>>? deps = null)
    {
        var root = Path.Combine(_home, "repo");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "a.txt"), "a");
        var repo = new CapturedRepo { Root = root, Repo = new RepoRef("owner", "repo"), Files = ["a.txt"] };
        return new SubmitRequest(repo, "hello", "bash", [], _ => [new JobSpec { Commands = ["true"] }], deps ?? Task.FromResult<IReadOnlyList<ResolvedDep>>([]), null);
    }

    /// <summary>A start on an SSH host is a round trip: the code is stored meanwhile, not after it.</summary>
    [Fact]
    public async Task Submit_StoresTheCode_WhileTheRunnerIsStarting()
    {
        var feedback = new CodeStoredSignal();
        var compute = new FakeCompute(TimeProvider.System)
        {
            Starting = async _ => await feedback.Stored.Task.WaitAsync(TimeSpan.FromSeconds(30)),
        };
        var storage = new LocalStorage(Path.Combine(_home, "store"));

        var run = await new RunSubmitter(storage, compute, TimeProvider.System, _home, feedback).SubmitAsync(Request(), default);

        (await new RunStore(storage).GetLaunchAsync(run.Repo, run.RunName, 0, default)).ShouldNotBeNull().Compute.ShouldBe("fake");
    }

    /// <summary>
    /// The runners wait for the record, which follows the code, the index markers and the states: on a bucket each write is a
    /// round trip, so the markers and states are written while the code is stored, and the runner starts while the submit
    /// marker is written. Each write is held here until the one it must not wait for has been made: written one after the
    /// other, the submit would never get there.
    /// </summary>
    [Fact]
    public async Task Submit_WritesTheIndexAndStates_WhileTheCodeIsStored()
    {
        var storage = new CountingStorage(new LocalStorage(Path.Combine(_home, "store")));
        var prepared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var compute = new FakeCompute(TimeProvider.System) { Starting = _ => { starting.TrySetResult(); return Task.CompletedTask; } };
        var made = 0;
        storage.BeforePut = async key =>
        {
            if (key.StartsWith(StoreKeys.SubmittingPrefix, StringComparison.Ordinal)) await starting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            else if (key.StartsWith(StoreKeys.SnapshotsPrefix, StringComparison.Ordinal) || key.StartsWith(StoreKeys.BlobsPrefix, StringComparison.Ordinal))
                await prepared.Task.WaitAsync(TimeSpan.FromSeconds(30));
            else if (key.EndsWith("/state.json", StringComparison.Ordinal) || key.StartsWith(StoreKeys.UnfinishedRunsPrefix, StringComparison.Ordinal)
                     || key.StartsWith(StoreKeys.RecentRunsPrefix, StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref made) == 3) prepared.TrySetResult();
            }
        };

        var run = await new RunSubmitter(storage, compute, TimeProvider.System, _home).SubmitAsync(Request(), default);

        var runs = new RunStore(storage);
        (await runs.GetAsync(run.Repo, run.RunName, default)).ShouldNotBeNull();
        (await runs.GetStateAsync(run.Repo, run.RunName, 0, default)).ShouldNotBeNull().Status.ShouldBe(JobStatus.Submitted);
        (await new UnfinishedRunIndex(storage).UnfinishedAsync(run.Repo, default)).Single().Run.ShouldBe(run.RunName);
        var writes = storage.Writes.ToList();
        writes.FindIndex(k => k == StoreKeys.Run(run.Repo, run.RunName))
            .ShouldBeGreaterThan(writes.FindLastIndex(k => k.StartsWith(StoreKeys.SnapshotsPrefix, StringComparison.Ordinal)), "the record follows its code");
    }

    /// <summary>The code needs no name: on a bucket its round trips overlap the claim of the name.</summary>
    [Fact]
    public async Task Submit_StoresTheCode_WhileItNamesTheRun()
    {
        var storage = new CountingStorage(new LocalStorage(Path.Combine(_home, "store")));
        var codeStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        storage.BeforePut = async key =>
        {
            if (key.StartsWith(StoreKeys.SnapshotsPrefix, StringComparison.Ordinal)) codeStored.TrySetResult();
            else if (key.StartsWith(StoreKeys.RunNamesPrefix, StringComparison.Ordinal)) await codeStored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        };

        var run = await new RunSubmitter(storage, new FakeCompute(TimeProvider.System), TimeProvider.System, _home).SubmitAsync(Request(), default);

        (await new RunStore(storage).GetAsync(run.Repo, run.RunName, default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Submit_ThatFailsToNameTheRun_ReleasesTheLeaseOfTheCodeItStored()
    {
        var local = new LocalStorage(Path.Combine(_home, "store"));
        var storage = new CountingStorage(local)
        {
            BeforePut = key => key.StartsWith(StoreKeys.RunNamesPrefix, StringComparison.Ordinal) ? Task.FromException(new IOException("the store is full")) : Task.CompletedTask,
        };
        var started = 0;
        var compute = new FakeCompute(TimeProvider.System) { Starting = _ => { Interlocked.Increment(ref started); return Task.CompletedTask; } };

        await Should.ThrowAsync<IOException>(() => new RunSubmitter(storage, compute, TimeProvider.System, _home).SubmitAsync(Request(), default));

        storage.Writes.ShouldContain(k => k.StartsWith(StoreKeys.WritersPrefix, StringComparison.Ordinal), "the code was being stored");
        (await local.ListAsync(StoreKeys.WritersPrefix, default).ToListAsync()).ShouldBeEmpty("the lease is released");
        started.ShouldBe(0, "no runner starts for a run without a name");
    }

    [Fact]
    public async Task Submit_ThatFailsToStoreTheRun_EndsTheRunnerItStarted()
    {
        var compute = new FakeCompute(TimeProvider.System);
        var failing = new FailingCodeFeedback();
        var storage = new LocalStorage(Path.Combine(_home, "store"));

        await Should.ThrowAsync<IOException>(() => new RunSubmitter(storage, compute, TimeProvider.System, _home, failing).SubmitAsync(Request(), default));

        var first = new LaunchInfo("fake", "1", DateTimeOffset.UtcNow);  // the fake's first handle
        (await compute.IsRunnerAliveAsync(first, default)).ShouldBe(false, "the runner launched for a run never stored is killed");
    }

    private static readonly ResolvedDep Dep = new()
    {
        Kind = DepSource.Workflow, Name = "prepare", Repo = new RepoRef("owner", "repo"), RunName = "prepare-1",
        Artifacts = [new ArtifactVersion("data", "manifest", 1, 1, DateTimeOffset.UnixEpoch)],
    };

    /// <summary>On a bucket a dep is a few round trips: they overlap the claim of the name (the deps are held until it is made).</summary>
    [Fact]
    public async Task Submit_AwaitsTheDeps_OnceItHasNamedTheRun()
    {
        var storage = new CountingStorage(new LocalStorage(Path.Combine(_home, "store")));
        var named = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        storage.BeforePut = key =>
        {
            if (key.StartsWith(StoreKeys.RunNamesPrefix, StringComparison.Ordinal)) named.TrySetResult();
            return Task.CompletedTask;
        };
        async Task<IReadOnlyList<ResolvedDep>> ResolvingAsync()
        {
            await named.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return [Dep];
        }

        var run = await new RunSubmitter(storage, new FakeCompute(TimeProvider.System), TimeProvider.System, _home).SubmitAsync(Request(ResolvingAsync()), default);

        var dep = (await new RunStore(storage).GetAsync(run.Repo, run.RunName, default)).ShouldNotBeNull().Deps.ShouldHaveSingleItem();
        dep.RunName.ShouldBe(Dep.RunName);
        dep.Artifacts.ShouldBe(Dep.Artifacts);
    }

    /// <summary>A dep that fails (no done run) fails the submit with its own error: no runner, no record, no state, no lease left.</summary>
    [Fact]
    public async Task Submit_WhoseDepFails_StoresNothingUnderTheName()
    {
        var local = new LocalStorage(Path.Combine(_home, "store"));
        var storage = new CountingStorage(local);
        var started = 0;
        var compute = new FakeCompute(TimeProvider.System) { Starting = _ => { Interlocked.Increment(ref started); return Task.CompletedTask; } };
        var failing = Task.FromException<IReadOnlyList<ResolvedDep>>(DepException.NoDoneRun("prepare", new RepoRef("owner", "repo"), true, "prepare"));

        var error = await Should.ThrowAsync<DepException>(() => new RunSubmitter(storage, compute, TimeProvider.System, _home).SubmitAsync(Request(failing), default));

        error.Message.ShouldContain("'prepare' has no done run");
        started.ShouldBe(0);
        storage.Writes.ShouldAllBe(k => !k.StartsWith(StoreKeys.ReposPrefix, StringComparison.Ordinal) && !k.StartsWith(StoreKeys.UnfinishedRunsPrefix, StringComparison.Ordinal));
        (await local.ListAsync(StoreKeys.WritersPrefix, default).ToListAsync()).ShouldBeEmpty("the lease is released");
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }

    private sealed class CodeStoredSignal : ISubmitFeedback
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void CodeStarted(int files) { }
        public void CodeFileStored() { }
        public void CodeStored(SnapshotManifest manifest) => Stored.TrySetResult();
    }

    private sealed class FailingCodeFeedback : ISubmitFeedback
    {
        public void CodeStarted(int files) => throw new IOException("the store is full");
        public void CodeFileStored() { }
        public void CodeStored(SnapshotManifest manifest) { }
    }
}
