using System.Text;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>With the S3 store every command works unchanged, and what a run leaves is in the bucket, not in <c>DSTACK_HOME</c>.</summary>
public sealed class S3RunTests
{
    /// <summary><c>data</c>, <c>wait</c> and <c>hello</c>: <see cref="Workflows.Data"/> and <see cref="Workflows.HelloAndWait"/>.</summary>
    private static readonly string DataAndWait = Workflows.HelloAndWait + Workflows.Data.Replace("workflows:\n", "\n");

    [Fact]
    public async Task Run_KeepsItsRecordStateLogsSnapshotAndArtifactsInTheBucket_AndLeavesOnlyConfigAndScratchInDstackHome()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(DataAndWait).WriteFile("README.md", "widgets readme\n").Commit();

        var result = await ada.DstackAsync("run", "data");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("made data/rows.txt\n");
        var run = result.SubmittedRun;
        Directory.EnumerateFileSystemEntries(ada.Home).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToList()
            .ShouldBe(["config.yaml", "tmp"], "the job's scratch is under tmp/; everything else is in the bucket");
        var job = S3Bucket.JobPrefix(run);
        var keys = await bucket.KeysAsync();
        keys.ShouldContain(S3Bucket.RunPrefix(run) + "run.json");
        keys.ShouldContain(job + "state.json");
        var firstChunk = keys.Single(k => k.StartsWith(job + "logs/0000000001-", StringComparison.Ordinal) && k.EndsWith(".log", StringComparison.Ordinal));
        keys.ShouldContain(job + "artifacts/data.json");
        keys.ShouldContain(BlobKey("widgets readme\n"), "the code snapshot's content");
        keys.ShouldContain(BlobKey($"rows by {run}\n"), "the artifact's content");
        keys.ShouldContain(k => k.StartsWith("snapshots/", StringComparison.Ordinal) && k.EndsWith(".json", StringComparison.Ordinal));
        (await bucket.JobStatusAsync(run)).ShouldBe("done");
        (await bucket.ReadTextAsync(firstChunk) ?? "").ShouldContain("made data/rows.txt");

        Directory.EnumerateFiles(ada.Home, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains(S3Endpoint.SecretKey, StringComparison.Ordinal)).ShouldBeEmpty("credentials stay in the environment");
        (await bucket.KeysContainingAsync(S3Endpoint.SecretKey, exceptPrefix: "secrets/")).ShouldBeEmpty("credentials never go into the bucket");

        (await ada.PsAsync("-a")).ShouldBe([new PsRow(run, "data", "Ada Tester", "Done", "")]);
        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe("made data/rows.txt\n");
        (await ada.ArtifactsAsync(run)).ShouldBe([new ArtifactRow("data", "rows.txt", $"{$"rows by {run}\n".Length}B")]);
        var (download, dir) = await ada.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["data/", $"data/rows.txt 644 \"rows by {run}\n\""]);
    }

    [Fact]
    public async Task StopRestartAndRm_OfARunInTheBucket_WorkAsWithTheLocalStore()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(DataAndWait).Commit();
        var run = await ada.RunDetachedAsync("wait");
        await ada.WaitForSignalAsync("started");
        (await ada.WaitForStatusAsync(run, s => s == "Running")).ShouldBe("Running");

        var stop = await ada.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await ada.RowAsync(run)).ShouldBe(new PsRow(run, "wait", "Ada Tester", "Stopped", "stopped by user"));
        (await bucket.JobStatusAsync(run)).ShouldBe("stopped");
        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe("working\n");

        ada.Raise("go");
        var restart = await ada.DstackAsync("restart", run);

        restart.ExitCode.ShouldBe(0, restart.ToString());
        restart.StdOut.ShouldBe("working\nfinished\n");
        var again = restart.SubmittedRun;
        again.ShouldNotBe(run);
        (await bucket.JobStatusAsync(again)).ShouldBe("done");

        var rm = await ada.DstackAsync("rm", "-y", run);

        rm.ExitCode.ShouldBe(0, rm.ToString());
        (await bucket.KeysAsync(S3Bucket.RunPrefix(run))).ShouldBeEmpty();
        (await bucket.KeysAsync(S3Bucket.RunPrefix(again))).ShouldNotBeEmpty();
        (await ada.PsAsync("-a")).Select(r => r.Run).ShouldBe([again]);
        var logs = await ada.DstackAsync("logs", run);
        logs.ShouldBeOneErrorLine($"Error: Run '{run}' not found in acme/widgets.");
    }

    [Fact]
    public async Task MountedArtifact_IsSavedToTheBucketWhileTheJobRuns_AndDownloadable()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo "weights after epoch 1" > checkpoints/epoch-1.pt
                  - {Sandbox.SendSignal("ckpt-1")}
                  - {Sandbox.AwaitSignal("go")}
                artifacts:
                  - path: checkpoints
                    mount: true
            """).Commit();
        var run = await ada.RunDetachedAsync("train");
        await ada.WaitForSignalAsync("ckpt-1");

        var rows = await Eventually.ReturnsAsync(() => ada.ArtifactsAsync(run), r => r.Any(a => a.File == "epoch-1.pt"), TimeSpan.FromSeconds(30), "the checkpoint to be listed");

        rows.ShouldBe([new ArtifactRow("checkpoints", "epoch-1.pt", "22B")]);
        (await ada.RowAsync(run)).Status.ShouldBe("Running", "it was saved while the job still ran");
        (await bucket.KeysAsync()).ShouldContain(BlobKey("weights after epoch 1\n"));
        var (download, dir) = await ada.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["checkpoints/", "checkpoints/epoch-1.pt 644 \"weights after epoch 1\n\""]);
        ada.Raise("go");
        (await ada.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        (await ada.ArtifactsAsync(run)).ShouldBe(rows);
    }

    [Fact]
    public async Task TagsAndDeps_InTheBucket_TagARunAndAnUpload_AndFeedALaterRun()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows("""
            workflows:
              - name: data
                provider: bash
                commands:
                  - echo "rows by $RUN_NAME" > data/rows.txt
                artifacts: [data]
              - name: train
                provider: bash
                deps:
                  - tag: rows
                  - tag: vocab
                  - workflow: data
                commands:
                  - cat data/rows.txt vocab/words.txt
            """).Commit();
        var data = await ada.RunDoneAsync("-t", "rows", "data");
        ada.WriteFile("vocab/words.txt", "hello world\n");

        var upload = await ada.DstackAsync("tags", "add", "vocab", "-a", "vocab");

        upload.ExitCode.ShouldBe(0, upload.ToString());
        (await ada.TagSummariesAsync()).ShouldBe([$"rows {data} data", "vocab (uploaded) vocab"], ignoreOrder: true);
        (await bucket.KeysAsync("repos/acme/widgets/tags/")).ShouldBe(["repos/acme/widgets/tags/rows.json", "repos/acme/widgets/tags/vocab.json"]);
        var train = await ada.DstackAsync("run", "train");
        train.ExitCode.ShouldBe(0, train.ToString());
        train.StdOut.ShouldBe($"rows by {data}\nhello world\n");
        var ps = (await ada.DstackAsync("ps", train.SubmittedRun)).StdOut;
        ps.ShouldContain($"Dep:    tag rows <- run {data} in acme/widgets: data\n");
        ps.ShouldContain("Dep:    tag vocab <- run (uploaded) in acme/widgets: vocab\n");
        ps.ShouldContain($"Dep:    workflow data <- run {data} in acme/widgets: data\n");

        var delete = await ada.DstackAsync("tags", "delete", "-y", "vocab");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        (await bucket.KeysAsync("repos/acme/widgets/tags/")).ShouldBe(["repos/acme/widgets/tags/rows.json"]);
    }

    private static string BlobKey(string content)
    {
        var hash = Sandbox.Sha256(Encoding.UTF8.GetBytes(content));
        return $"blobs/{hash[..2]}/{hash}";
    }
}
