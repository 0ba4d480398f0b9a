using System.Diagnostics;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// Outages through the fault proxy: a server that takes connections and never answers fails a command within the
/// call deadline; a store that goes away while a job runs loses nothing the job printed.
/// </summary>
public sealed class S3OutageTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            commands:
              - echo hello
        """;

    /// <summary>How long the store stays away in <see cref="StoreGoneWhileTheJobRunsAndEnds_LosesNothing_AndReadersSayTheStoreIsUnreachable"/>.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The store goes away (every connection of the runner reset) after the job printed five lines; the job prints 25
    /// more and ends meanwhile. A reader that can reach the store sees the run still running, with the store unreachable
    /// from its runner; once the store is back, all 30 lines arrive in order and the run is done.
    /// </summary>
    [Fact]
    public async Task StoreGoneWhileTheJobRunsAndEnds_LosesNothing_AndReadersSayTheStoreIsUnreachable()
    {
        await using var proxy = new S3Proxy();
        await using var bucket = await S3Bucket.NewAsync(proxy.Url);
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows($"""
            workflows:
              - name: count
                provider: bash
                commands:
                  - for i in 1 2 3 4 5; do echo "line $i"; done
                  - {Sandbox.AwaitSignal("go")}
                  - for i in $(seq 6 30); do echo "line $i"; sleep 0.05; done
                  - {Sandbox.SendSignal("ended")}
            """).Commit();
        var run = await ada.RunDetachedAsync("count");
        await Eventually.ReturnsAsync(() => ada.DstackAsync("logs", run), r => r.StdOut.Contains("line 5\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the first lines to be stored");

        proxy.Cut(until: _ => false);
        var cutAt = DateTimeOffset.UtcNow;
        ada.Raise("go");
        await ada.WaitForSignalAsync("ended");
        // From here on ada's commands reach the server directly, as a teammate's would; the runner keeps the proxy.
        (await ada.DstackAsync(["config", "--backend", "s3", "--bucket", bucket.Name, "--endpoint-url", S3Endpoint.Url,
            "--kms-key-id", S3Endpoint.KmsKeyId])).ExitCode.ShouldBe(0);
        var quiet = await Eventually.ReturnsAsync(() => ada.RowAsync(run), r => r.Reason.Contains("store unreachable since", StringComparison.Ordinal) || r.IsFinished,
            TimeSpan.FromSeconds(40), "ps to say the runner cannot reach the store");
        quiet.Status.ShouldBe("Running", $"the runner lives: never 'runner lost'; {quiet}");
        var follow = await ada.DstackAsync(["logs", run], timeout: TimeSpan.FromSeconds(30));
        follow.StdOut.ShouldNotContain("line 30", customMessage: "the end is still with the runner");
        var remaining = Outage - (DateTimeOffset.UtcNow - cutAt);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining); // the outage lasts its length, whatever the checks took
        proxy.Restore();

        var row = await ada.WaitFinishedAsync(run, TimeSpan.FromSeconds(60));
        row.Status.ShouldBe("Done", row.ToString());
        var logs = await ada.DstackAsync("logs", run);
        logs.StdOut.ShouldBe(string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n")), logs.ToString());
        proxy.Refused.ShouldContain(line => line.Contains($"/runs/{run}/jobs/0/logs/", StringComparison.Ordinal), "the runner tried to ship logs during the outage");
    }

    [Fact]
    public async Task Commands_AgainstAServerThatNeverAnswers_FailWithinTheDeadline_NamingTheEndpoint()
    {
        await using var proxy = new S3Proxy();
        await using var bucket = await S3Bucket.NewAsync(proxy.Url);
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Hello).Commit();
        await ada.RunDoneAsync("hello");

        proxy.Silence();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(
            ada.DstackAsync(["ps", "-a"], timeout: TimeSpan.FromSeconds(120)),
            ada.DstackAsync(["run", "-d", "hello"], timeout: TimeSpan.FromSeconds(120)));
        var took = clock.Elapsed;
        proxy.Restore();

        foreach (var result in results)
            result.ShouldBeOneErrorLine($"Error: Cannot reach S3 at {proxy.Url}: no answer in 30 s. Check the network, and the endpoint with `dstack config`.");
        took.ShouldBeLessThan(TimeSpan.FromSeconds(45), "each command gives up at the call deadline");
        (await bucket.KeysAsync(S3Bucket.RunsPrefix())).Count(k => k.EndsWith("/run.json", StringComparison.Ordinal)).ShouldBe(1, "no run was submitted");
    }
}
