using Dstack.Core.Compute;
using Dstack.Core.Compute.Slurm;
using Dstack.Core.Compute.Ssh;
using Dstack.Core.Config;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Runs;

/// <summary>
/// A listing of Slurm runs asks for its one <c>squeue</c> before it reads the runs, so the answer arrives while they are
/// read instead of holding up every reader at its first check, and holds it for the whole pass however long the pass
/// takes; a listing that reads no run asks nothing.
/// </summary>
public sealed class RunListerHoldsChecksTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-prefetch-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _storage;
    private readonly CountingStorage _counting;
    private readonly GatedShell _shell;
    private readonly ManualClock _slurmClock = new();

    /// <summary>Slurm's answer, once <see cref="Gate"/> opens; notes how many launch records had been read when each script was asked.</summary>
    private sealed class GatedShell(CountingStorage storage, Action answered) : ISlurmShell
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<(string Script, int LaunchesRead)> Calls { get; } = [];
        public string Where => "this machine";

        public async Task<ShellResult> RunAsync(string script, Stream? stdin, CancellationToken ct)
        {
            lock (Calls) Calls.Add((script, storage.Reads.Count(k => k.EndsWith("/launch.json", StringComparison.Ordinal))));
            await Gate.Task;
            answered();
            return new ShellResult(0, "13|RUNNING|None|n1\n", "");
        }
    }

    public RunListerHoldsChecksTests()
    {
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _counting = new CountingStorage(_storage);
        // Each answer takes long on the queue's clock (squeue on a loaded machine): it is stale before the pass ends.
        _shell = new GatedShell(_counting, () => _slurmClock.Advance(SlurmQueue.Fresh * 10));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private RunLister Lister()
    {
        var slurm = new SlurmCompute(ComputeTarget.SlurmCluster("cluster", new SlurmSettings()), new SshStore(null, null, "prefetch", () => null),
            _shell, "/bin/sh", [], _slurmClock);
        var monitor = new RunMonitor(new RunStore(_counting), new ComputeRegistry(slurm), TimeProvider.System);
        return new RunLister(_counting, monitor, Path.Combine(_root, "cache.json"));
    }

    /// <summary>A run on the cluster (Slurm job 13) in <paramref name="status"/>, its runner beating.</summary>
    private async Task AddAsync(string name, JobStatus status)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var store = new RunStore(_storage);
        await store.CreateAsync(new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        }, at, default);
        await store.PutLaunchAsync(Repo, name, 0, new LaunchInfo("cluster", "13", _slurmClock.GetUtcNow() - TimeSpan.FromMinutes(1)), default);
        await store.PutHeartbeatAsync(Repo, name, 0, new Heartbeat(DateTimeOffset.UtcNow, 1, "n1"), default);
        await store.PutStateAsync(Repo, name, 0, new JobState { Status = status, UpdatedAt = at }, default);
    }

    [Fact]
    public async Task ListingRunningSlurmRuns_AsksSqueueOnce_BeforeAnyRunIsChecked_AndHoldsItForThePass()
    {
        for (var i = 0; i < 40; i++) await AddAsync($"run-{i}", JobStatus.Running);

        _shell.Gate.SetResult();
        var runs = await Lister().ListAsync(Repo, default);

        runs.Count.ShouldBe(40);
        runs.ShouldAllBe(r => r.State.Status == JobStatus.Running);
        _shell.Calls.Select(c => c.Script).ShouldBe([SlurmQueue.Script]);
        _shell.Calls[0].LaunchesRead.ShouldBe(0, "asked before the first run's check, not by it");
    }

    [Fact]
    public async Task ListingOnlyCachedFinishedRuns_AsksSlurmNothing()
    {
        for (var i = 0; i < 3; i++) await AddAsync($"run-{i}", JobStatus.Done);
        _shell.Gate.SetResult();
        await Lister().ListAsync(Repo, default);
        _shell.Calls.Clear();

        (await Lister().ListAsync(Repo, default)).Count.ShouldBe(3);

        _shell.Calls.ShouldBeEmpty();
    }
}
