using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// When the bucket cannot be used, every command says why in one line; when the server goes away while a job's
/// artifacts are saved, the job fails with that reason and the previous artifact version stays.
/// </summary>
public sealed class S3FaultTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            commands:
              - echo hello
        """;

    [Theory]
    [InlineData("CIACCESSKEY", "not-the-secret", "SignatureDoesNotMatch")]
    [InlineData("NOSUCHACCESSKEY", "whatever", "InvalidAccessKeyId")]
    public async Task Commands_WithRejectedCredentials_FailWithOneErrorLine(string accessKey, string secretKey, string code)
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Hello).Commit();
        var run = await ada.RunDoneAsync("hello");
        S3Bucket.WithCredentials(ada, accessKey, secretKey);
        var error = $"Error: The credentials from environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY were rejected by {S3Endpoint.Url} ({code}). " +
                    "Check them, or pick a profile with `dstack config`.";

        string[][] commands = [["ps", "-a"], ["logs", run], ["run", "hello"], ["artifacts", "list", run], ["tags", "list"], ["secrets", "list"]];
        foreach (var command in commands)
            (await ada.DstackAsync(command)).ShouldBeOneErrorLine(error);
        (await bucket.KeysAsync(S3Bucket.RunsPrefix())).Count(k => k.EndsWith("/run.json", StringComparison.Ordinal)).ShouldBe(1, "no run was submitted");
    }

    [Fact]
    public async Task Commands_OnABucketTheCredentialsMayNotUse_FailWithOneNoAccessErrorLine()
    {
        await S3Endpoint.EnsureOtherAccountAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Hello).Commit();
        var run = await ada.RunDoneAsync("hello");
        S3Bucket.WithCredentials(ada, S3Endpoint.OtherAccessKey, S3Endpoint.OtherSecretKey);
        var error = $"Error: No access to bucket '{bucket.Name}' at {S3Endpoint.Url} with the credentials from environment variables " +
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (AccessDenied). Ask for access, or choose another bucket or profile with `dstack config`.";

        string[][] commands = [["ps", "-a"], ["logs", run], ["run", "hello"], ["artifacts", "download", run], ["secrets", "list"]];
        foreach (var command in commands)
            (await ada.DstackAsync(command)).ShouldBeOneErrorLine(error);
        (await bucket.KeysAsync(S3Bucket.RunsPrefix())).Count(k => k.EndsWith("/run.json", StringComparison.Ordinal)).ShouldBe(1, "no run was submitted");
    }

    [Fact]
    public async Task Commands_WhenTheServerIsGone_FailWithOneErrorLine()
    {
        await using var proxy = new S3Proxy();
        await using var bucket = await S3Bucket.NewAsync(proxy.Url);
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Hello).Commit();
        await ada.RunDoneAsync("hello");

        proxy.Cut(until: _ => false);
        CliResult ps;
        try { ps = await ada.DstackAsync(["ps", "-a"], timeout: TimeSpan.FromSeconds(150)); } // after the client's retries
        finally { proxy.Restore(); }

        ps.ExitCode.ShouldBe(1, ps.ToString());
        ps.ShouldBeOneErrorLine($"Error: Cannot reach S3 at {proxy.Url}: ");
        ps.StdErr.ShouldEndWith(". Check the network, and the endpoint with `dstack config`.\n", Case.Sensitive, ps.ToString());
        proxy.Refused.ShouldNotBeEmpty("ps did try the server");
    }

    /// <summary>
    /// The job saves a checkpoint while it runs (<c>mount: true</c>), then writes a 64 MiB file and ends. While the
    /// final save uploads it, the server goes away, until the runner, having given up, writes its logs again.
    /// </summary>
    [Fact]
    public async Task ServerGoneWhileSavingArtifacts_FailsTheJobWithTheReason_AndKeepsThePreviousVersion()
    {
        await using var proxy = new S3Proxy();
        await using var bucket = await S3Bucket.NewAsync(proxy.Url);
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows($"""
            workflows:
              - name: train
                provider: bash
                commands:
                  - echo "weights after epoch 1" > checkpoints/epoch-1.pt
                  - {Sandbox.SendSignal("ckpt-1")}
                  - {Sandbox.AwaitSignal("big")}
                  - head -c 64M /dev/urandom > checkpoints/big.bin
                  - echo "wrote big.bin"
                artifacts:
                  - path: checkpoints
                    mount: true
            """).Commit();
        var run = await ada.RunDetachedAsync("train");
        await ada.WaitForSignalAsync("ckpt-1");
        var saved = await Eventually.ReturnsAsync(() => ada.ArtifactsAsync(run), r => r.Any(a => a.File == "epoch-1.pt"), TimeSpan.FromSeconds(30), "the checkpoint to be saved");
        saved.ShouldBe([new ArtifactRow("checkpoints", "epoch-1.pt", "22B")]);
        var pointer = S3Bucket.JobPrefix(run) + "artifacts/checkpoints.json";
        var version = (await bucket.ListAsync(pointer)).Single();

        proxy.Throttle(bytesPerSecond: 8L << 20); // the 64 MiB upload takes seconds: time to cut it
        ada.Raise("big");
        var uploading = await Eventually.ReturnsAsync(async () => (Status: await bucket.JobStatusAsync(run), Sent: proxy.SentBytes),
            s => s is { Status: "uploading", Sent: > 8L << 20 } || s.Status is "done" or "failed", TimeSpan.FromSeconds(60), "the final save to upload 8 MiB");
        uploading.Status.ShouldBe("uploading");
        proxy.Cut(until: line => line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains($"/runs/{run}/jobs/0/logs/", StringComparison.Ordinal));
        var back = await proxy.WaitUntilBackAsync(TimeSpan.FromSeconds(240)); // the uploads and their abort fail after the client's retries
        var row = await ada.WaitFinishedAsync(run, TimeSpan.FromSeconds(120));

        // The cut shows as a refused retry of a part (PUT), or, when a part broke past retrying, as the refused abort (DELETE).
        var cutUpload = proxy.Refused.FirstOrDefault(line => line.Contains($" /{bucket.Name}/blobs/", StringComparison.Ordinal) && line.Contains("uploadId=", StringComparison.Ordinal));
        cutUpload.ShouldNotBeNull($"the big file's upload was cut; back on: {back}; refused: {string.Join("\n", proxy.Refused)}");
        var bigBlob = cutUpload.Split(' ')[1].Split('?')[0][$"/{bucket.Name}/".Length..];
        row.Status.ShouldBe("Failed", row.ToString());
        row.Reason.ShouldStartWith($"runner failed: artifacts not saved: Cannot reach S3 at {proxy.Url}", Case.Sensitive, row.ToString());
        (await bucket.JobStatusAsync(run)).ShouldBe("failed");
        var logs = (await ada.DstackAsync("logs", run)).StdOut;
        logs.ShouldContain("wrote big.bin\n");
        logs.ShouldContain($"dstack: saving artifacts failed: Cannot reach S3 at {proxy.Url}");
        (await ada.ArtifactsAsync(run)).ShouldBe(saved, "the version saved while the job ran stays");
        (await bucket.ListAsync(pointer)).Single().ShouldBe(version, "the artifact's pointer was never rewritten");
        (await bucket.KeysAsync("blobs/")).ShouldNotContain(bigBlob, "the cut upload never became an object");
        (await bucket.ListAsync()).Where(o => o.Size >= 16L << 20).ShouldBeEmpty("no part of the big file became an object");
        var (download, dir) = await ada.DownloadAsync(run);
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["checkpoints/", "checkpoints/epoch-1.pt 644 \"weights after epoch 1\n\""]);
    }
}
