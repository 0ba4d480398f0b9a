using Dstack.Core.Compute;
using Dstack.Core.Local;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Storage.S3.Tests;

/// <summary>
/// <c>ps -a</c> without a cache on a real bucket whose only checkpoint an older dstack wrote (named by its newest run, the
/// previous format): its runs are not read again, and the listing leaves a checkpoint of this format in the bucket.
/// </summary>
public sealed class S3RunCheckpointTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-s3ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Cold_WithOnlyAnOlderFormatsCheckpoint_ReadsNoRunItHolds_AndLeavesOneOfThisFormat()
    {
        var (storage, client, bucket) = await S3Server.NewBucketAsync();
        try
        {
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            var runs = Enumerable.Range(0, RunCheckpoints.Threshold + 1).Select(i => $"old-fox-{i}").ToList();
            await Task.WhenAll(runs.Select((name, i) => AddDoneRunAsync(storage, name, start.AddSeconds(i))));
            var summaries = await Lister(storage, "a", _ => { }).ListAsync(Repo, default);
            await OlderFormatCheckpoint.WriteAsync(storage, Repo, summaries);
            // A run the checkpoint holds, damaged: read again, it would be reported and left out.
            await storage.PutAsync(StoreKeys.RunPrefix(Repo, runs[1]) + "run.json", "{"u8.ToArray(), default);
            var unreadable = new List<string>();

            var cold = await Lister(storage, "b", e => unreadable.Add(e.Key)).ListAsync(Repo, default);

            unreadable.ShouldBeEmpty();
            cold.Count.ShouldBe(runs.Count);
            (await new RunCheckpoints(storage).ListAsync(Repo, default)).Count.ShouldBe(1);
            (await Lister(storage, "c", e => unreadable.Add(e.Key)).ListAsync(Repo, default)).Count.ShouldBe(runs.Count);
            unreadable.ShouldBeEmpty();
        }
        finally { await S3Server.DeleteBucketAsync(client, bucket); }
    }

    private RunLister Lister(IStorage storage, string machine, Action<UnreadableRecordException> unreadable)
    {
        var monitor = new RunMonitor(new RunStore(storage), new ComputeRegistry(new LocalCompute(["true"], TimeProvider.System)), TimeProvider.System);
        return new RunLister(storage, monitor, Path.Combine(_root, machine, "runs"), unreadable);
    }

    private static async Task AddDoneRunAsync(IStorage storage, string name, DateTimeOffset at)
    {
        var run = new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = at,
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await new RunLog(storage).AddAsync(Repo, name, at, default);
        await new RunStore(storage).CreateAsync(run, at, default);
        await new RunStore(storage).PutStateAsync(Repo, name, 0, new JobState { Status = JobStatus.Done, UpdatedAt = at }, default);
    }
}
