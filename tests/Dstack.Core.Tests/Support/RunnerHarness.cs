using Dstack.Core.Local;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Runner;
using Dstack.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Core.Tests.Support;

/// <summary>
/// One <see cref="JobRunner"/> in this process: a real store in a temp folder (reachable or not, through
/// <see cref="FlakyStorage"/>), a fake executor, and a fake clock that moves only when the test drives it.
/// </summary>
public sealed class RunnerHarness : IDisposable
{
    /// <summary>How long, in real time, a condition may take before the test fails: only a broken runner gets near it.</summary>
    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-runner-" + Guid.NewGuid().ToString("N"));

    public RunnerHarness()
    {
        Directory.CreateDirectory(_root);
        Store = new LocalStorage(Path.Combine(_root, "store"));
        Flaky = new FlakyStorage(Store);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    /// <summary>The store as the test sees it: always reachable.</summary>
    public LocalStorage Store { get; }
    /// <summary>The store as the runner sees it.</summary>
    public FlakyStorage Flaky { get; }
    public FakeExecutor Executor => _executor ??= Plan is null ? new FakeExecutor(Clock) : new FakeExecutor(Clock) { Plan = Plan };
    private FakeExecutor? _executor;
    /// <summary>What the executor plans for the job; by default a host's plan.</summary>
    public Func<JobSpec, JobPlan>? Plan { get; init; }
    public RepoRef Repo { get; } = new("owner", "repo");
    public string RunName { get; } = "fake-run-1";
    public string? WorkflowName { get; init; }
    /// <summary>The run's resolved deps, placed in its working copy.</summary>
    public IReadOnlyList<ResolvedDep> Deps { get; set; } = [];
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The host the runner runs on; by default this machine (its real scheduler, in the temp folder).</summary>
    public Core.Compute.IJobHost? Host { get; init; }
    public Task<int>? Runner { get; private set; }
    /// <summary>The runner's attempt (a requeued Slurm job's is 2 or more) and, for a requeueable job, its limit of requeues.</summary>
    public int Attempt { get; set; } = 1;
    public int? MaxRequeues { get; set; }
    /// <summary>The job this runner runs: in a multi-node run, its node's rank.</summary>
    public int JobIndex { get; init; }

    /// <summary>Stores a run of one job (one per node with <c>Nodes</c>), with a one-file working copy, as <c>dstack run</c> would.</summary>
    public async Task SubmitAsync(JobSpec job)
    {
        var code = Path.Combine(_root, "code");
        Directory.CreateDirectory(code);
        await File.WriteAllTextAsync(Path.Combine(code, "train.py"), "print('hi')\n");
        var (snapshot, _) = await new SnapshotStore(Store).SaveFolderAsync(code, default);
        var run = new RunRecord
        {
            RunName = RunName, Repo = Repo, WorkflowName = WorkflowName, ProviderName = "bash", SubmittedAt = Clock.GetUtcNow(),
            Code = new RepoSnapshotInfo { SnapshotId = snapshot, IsGit = false }, Deps = Deps, Jobs = [.. Enumerable.Range(0, job.Nodes).Select(rank => job with { Index = rank })],
        };
        await new Core.Runs.UnfinishedRunIndex(Store).AddAsync(run, default);
        (await new RunStore(Store).CreateAsync(run, Clock.GetUtcNow(), default)).ShouldBeTrue();
    }

    public Task RequestStopAsync(bool abort) =>
        new RunStore(Store).RequestStopAsync(Repo, RunName, JobIndex, new StopRequest(abort, Clock.GetUtcNow()), default);

    /// <summary>Starts the runner on the thread pool; it moves only as far as the clock lets it.</summary>
    public void Start()
    {
        var options = new RunnerOptions
        {
            WorkRoot = Path.Combine(_root, "work"), SchedulerRoot = Path.Combine(_root, "scheduler"), StopGrace = StopGrace,
            Attempt = Attempt, MaxRequeues = MaxRequeues,
        };
        var runner = new JobRunner(Flaky, Executor, Host ?? new LocalJobHost(options.SchedulerRoot, Clock), options, Clock);
        Runner = Task.Run(() => runner.RunAsync(Repo, RunName, JobIndex, CancellationToken.None));
    }

    public Task<JobState?> StateAsync() => new RunStore(Store).GetStateAsync(Repo, RunName, JobIndex, default);

    public async Task<JobStatus?> StatusAsync() => (await StateAsync())?.Status;

    public Task<Heartbeat?> HeartbeatAsync() => new RunStore(Store).GetHeartbeatAsync(Repo, RunName, JobIndex, default);

    /// <summary>Every line of the job's logs that reached the store.</summary>
    public async Task<List<string>> LogLinesAsync() =>
        (await new LogReader(Store, Repo, RunName, JobIndex).ReadNewAsync(default).ToListAsync()).Select(e => e.Text).ToList();

    /// <summary>
    /// Moves the clock a step at a time, letting the runner act between steps, until <paramref name="done"/> holds.
    /// Fails when the runner fails, or when it takes more than <paramref name="fakeLimit"/> on the clock.
    /// </summary>
    public async Task DriveUntilAsync(Func<Task<bool>> done, string what, TimeSpan? fakeLimit = null, TimeSpan? step = null)
    {
        var real = DateTime.UtcNow + RealDeadline;
        var limit = Clock.GetUtcNow() + (fakeLimit ?? TimeSpan.FromMinutes(5));
        while (!await done())
        {
            if (Runner is { IsFaulted: true } failed) await failed;
            if (DateTime.UtcNow > real) throw new TimeoutException($"Still waiting for {what} after {RealDeadline.TotalSeconds} s of real time.");
            if (Clock.GetUtcNow() >= limit) throw new TimeoutException($"Still waiting for {what} at {Clock.GetUtcNow():O}, past the clock's limit.");
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(1); // the runner's continuations run on the thread pool: let them
        }
    }

    public Task DriveUntilAsync(Func<bool> done, string what, TimeSpan? fakeLimit = null, TimeSpan? step = null) =>
        DriveUntilAsync(() => Task.FromResult(done()), what, fakeLimit, step);

    /// <summary>Moves the clock by <paramref name="span"/>, a step at a time, letting the runner act between steps.</summary>
    public Task DriveForAsync(TimeSpan span, TimeSpan? step = null)
    {
        var until = Clock.GetUtcNow() + span;
        return DriveUntilAsync(() => Clock.GetUtcNow() >= until, $"the clock to reach {until:O}", span + TimeSpan.FromSeconds(1), step);
    }

    public Task DriveUntilStatusAsync(JobStatus status) =>
        DriveUntilAsync(async () => await StatusAsync() == status, $"status {status}");

    /// <summary>Drives the clock until the runner returns; its exit code.</summary>
    public async Task<int> FinishAsync()
    {
        await DriveUntilAsync(() => Runner!.IsCompleted, "the runner to return");
        return await Runner!;
    }

    public void Dispose()
    {
        // A runner a failed test left waiting is released: its job exits.
        Executor.Job?.Exit(137);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
