using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Core.Tests.Runs;

/// <summary><c>ps -a</c> on a machine without its cache: the store's checkpoint of finished runs instead of every run.</summary>
public sealed class RunCheckpointsTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-checkpoints-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _storage;
    private readonly CountingStorage _counted;
    /// <summary>Each machine's clock: a run is submitted at its time, and listed after.</summary>
    private readonly FakeTimeProvider _clock = new(Start);

    public RunCheckpointsTests()
    {
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _counted = new CountingStorage(_storage);
    }

    /// <summary>A lister on its own machine: each cache name is a machine's cache.</summary>
    private RunLister Machine(string cache)
    {
        var monitor = new RunMonitor(new RunStore(_counted), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        return new RunLister(_counted, monitor, Path.Combine(_root, cache, "runs"), time: _clock);
    }

    private async Task AddRunsAsync(int from, int count, JobStatus status = JobStatus.Done)
    {
        for (var i = from; i < from + count; i++)
        {
            var at = Start.AddMinutes(i);
            var name = $"fox-{i:D4}";
            var run = new RunRecord
            {
                RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = at, User = "ada",
                Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
            };
            _clock.SetUtcNow(at);
            await new RunLog(_storage).AddAsync(Repo, name, at, default); // as a submit does
            await new RunStore(_storage).CreateAsync(run, at, default);
            await new RunStore(_storage).PutStateAsync(Repo, name, 0, new JobState { Status = status, Reason = TerminationReason.ExitCode, ExitCode = i % 3, UpdatedAt = at }, default);
        }
    }

    private async Task<List<string>> CheckpointKeysAsync() => await new RunCheckpoints(_storage).ListAsync(Repo, default);

    private static IEnumerable<(string, string?, DateTimeOffset, JobStatus, int?)> Shown(IEnumerable<RunSummary> runs) =>
        runs.Select(r => (r.RunName, r.User, r.SubmittedAt, r.State.Status, r.State.ExitCode));

    [Fact]
    public async Task Cold_ReadsTheNewestCheckpoint_AndOnlyTheRunsNotInIt_ShowingWhatAWarmMachineShows()
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default); // reads all 100, and leaves a checkpoint of them
        (await CheckpointKeysAsync()).Count.ShouldBe(1);
        await AddRunsAsync(100, 3);
        await AddRunsAsync(103, 1, JobStatus.Running);
        var warm = await Machine("a").ListAsync(Repo, default);
        _counted.Reset();

        var cold = await Machine("b").ListAsync(Repo, default);

        Shown(cold).ShouldBe(Shown(warm));
        cold.Count.ShouldBe(104);
        _counted.RunRecordReads.ShouldBe(4);
    }

    [Fact]
    public async Task FewerNewFinishedRunsThanTheThreshold_WriteNoCheckpoint_AndAWarmListingNeverReadsOne()
    {
        await AddRunsAsync(0, RunCheckpoints.Threshold - 1);
        await Machine("a").ListAsync(Repo, default);
        (await CheckpointKeysAsync()).ShouldBeEmpty();
        await AddRunsAsync(RunCheckpoints.Threshold - 1, 1);
        await Machine("a").ListAsync(Repo, default); // the threshold reached: one is written
        (await CheckpointKeysAsync()).Count.ShouldBe(1);
        await AddRunsAsync(RunCheckpoints.Threshold, 5);
        _counted.Reset();

        await Machine("a").ListAsync(Repo, default);

        _counted.Listings.ShouldNotContain(StoreKeys.RunSummariesOf(Repo));
        _counted.Reads.ShouldNotContain(k => k.StartsWith(StoreKeys.RunSummariesPrefix, StringComparison.Ordinal));
        (await CheckpointKeysAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ARemovedRun_InTheCheckpoint_IsNotShown()
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default);
        await new RunStore(_storage).DeleteAsync(Repo, "fox-0099", default);
        await new RunStore(_storage).DeleteAsync(Repo, "fox-0007", default);

        var cold = await Machine("b").ListAsync(Repo, default);

        cold.Count.ShouldBe(98);
        cold.Select(r => r.RunName).ShouldNotContain("fox-0099");
        cold.Select(r => r.RunName).ShouldNotContain("fox-0007");
        cold[0].RunName.ShouldBe("fox-0098");
    }

    [Theory]
    [InlineData("cut")] // a partial write
    [InlineData("flipped")] // damaged in place
    public async Task ADamagedCheckpoint_IsIgnored_AndTheNextOlderUsed(string damage)
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default);
        var intact = (await CheckpointKeysAsync()).Single();
        await AddRunsAsync(100, RunCheckpoints.Threshold);
        await Machine("a").ListAsync(Repo, default);
        var newest = (await CheckpointKeysAsync())[0];
        newest.ShouldNotBe(intact);
        var data = (await _storage.GetAsync(newest, default))!;
        if (damage == "cut") data = data[..(data.Length / 2)];
        else data[^3] ^= 1;
        await _storage.PutAsync(newest, data, default);
        _counted.Reset();

        var cold = await Machine("b").ListAsync(Repo, default);

        cold.Count.ShouldBe(100 + RunCheckpoints.Threshold);
        _counted.RunRecordReads.ShouldBe(RunCheckpoints.Threshold); // those the intact, older checkpoint does not hold
    }

    [Fact]
    public async Task NoIntactCheckpoint_EveryRunIsRead()
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default);
        var key = (await CheckpointKeysAsync()).Single();
        await _storage.PutAsync(key, "dstack ps cache 2\n"u8.ToArray(), default);
        _counted.Reset();

        var cold = await Machine("b").ListAsync(Repo, default);

        cold.Count.ShouldBe(100);
        _counted.RunRecordReads.ShouldBe(100);
    }

    [Fact]
    public async Task WritersRacing_EachLeaveAnIntactCheckpoint_AndAColdReaderFindsOne()
    {
        await AddRunsAsync(0, 100);
        var machines = Enumerable.Range(0, 4).Select(i => Machine($"m{i}")).ToList();

        await Task.WhenAll(machines.Select(m => Task.Run(() => m.ListAsync(Repo, default))));

        var keys = await CheckpointKeysAsync();
        keys.ShouldNotBeEmpty();
        foreach (var key in keys) (await new RunCheckpoints(_storage).ReadAsync(key, default))!.Count.ShouldBe(100);
        _counted.Reset();
        (await Machine("cold").ListAsync(Repo, default)).Count.ShouldBe(100);
        _counted.RunRecordReads.ShouldBe(0);
    }

    [Fact]
    public async Task AMachineThatFindsAnotherMachinesCheckpoint_WritesNoneOfItsOwn()
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default);
        var keys = await CheckpointKeysAsync();
        // Machine b has a cache from before it knew of checkpoints (no record of which one it saw).
        Directory.CreateDirectory(Path.Combine(_root, "b"));
        File.Copy(Path.Combine(_root, "a", "runs"), Path.Combine(_root, "b", "runs"));
        File.Copy(Path.Combine(_root, "a", "runs.names"), Path.Combine(_root, "b", "runs.names"));

        await Machine("b").ListAsync(Repo, default);

        (await CheckpointKeysAsync()).ShouldBe(keys);
    }

    [Fact]
    public async Task Gc_KeepsEachReposNewestIntactCheckpoint_AndDropsTheRestOncePastTheGracePeriod()
    {
        await AddRunsAsync(0, 100);
        await Machine("a").ListAsync(Repo, default);
        var oldest = (await CheckpointKeysAsync()).Single();
        await AddRunsAsync(100, RunCheckpoints.Threshold);
        await Machine("a").ListAsync(Repo, default);
        var intact = (await CheckpointKeysAsync())[0];
        await AddRunsAsync(100 + RunCheckpoints.Threshold, RunCheckpoints.Threshold);
        await Machine("a").ListAsync(Repo, default);
        var damaged = (await CheckpointKeysAsync())[0];
        await _storage.PutAsync(damaged, "dstack ps cache 2\n"u8.ToArray(), default);
        var other = await new RunCheckpoints(_storage).WriteAsync(new RepoRef("acme", "gadgets"),
            [new RunSummary("cat-1", "w", "bash", Start, null, [new JobState { Status = JobStatus.Done }])], Start.UtcTicks, default);

        await new GarbageCollector(_storage, TimeProvider.System).CollectAsync(TimeSpan.FromHours(1), default);
        (await CheckpointKeysAsync()).Count.ShouldBe(3); // all younger than the grace period

        await new GarbageCollector(_storage, TimeProvider.System).CollectAsync(TimeSpan.Zero, default);

        (await CheckpointKeysAsync()).ShouldBe([intact]);
        (await _storage.ExistsAsync(other!, default)).ShouldBeTrue();
        (await _storage.ExistsAsync(oldest, default)).ShouldBeFalse();
        _counted.Reset();
        (await Machine("cold").ListAsync(Repo, default)).Count.ShouldBe(100 + 2 * RunCheckpoints.Threshold);
        _counted.RunRecordReads.ShouldBe(RunCheckpoints.Threshold);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
