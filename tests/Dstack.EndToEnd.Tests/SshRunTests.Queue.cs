using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>Where a run goes among a target's hosts: one where it fits now, else it waits, pending with the reason.</summary>
public sealed partial class SshRunTests
{
    /// <summary>
    /// A workflow that takes all of a host's CPUs, says where it started and waits for <c>~/go-TOKEN-RUN</c> on its host
    /// (the hosts' homes are their own; the token keeps runs of other buckets apart).
    /// </summary>
    private static string WholeHost(int cpus, string token) => $$"""
        workflows:
          - name: whole
            provider: bash
            resources:
              cpu: {{cpus}}
            commands:
              - echo "started on $(hostname)"
              - until [ -e "$HOME/go-{{token}}-$RUN_NAME" ]; do sleep 0.05; done
        """;

    private static async Task<string> WaitStartedAsync(Sandbox user, string run, string host) =>
        (await Eventually.ReturnsAsync(() => user.DstackAsync("logs", run), r => r.StdOut.Contains($"started on {host}"),
            TimeSpan.FromSeconds(60), $"{run} started on {host}")).StdOut;

    [Fact]
    public async Task TwoWholeHostRuns_OnOneHost_TheSecondIsPendingWithTheReason_ThenRunsWhenTheFirstEnds()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh, "h1");
        var cpus = int.Parse((await ssh.RunAsync("h1", "nproc")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var token = Guid.NewGuid().ToString("N")[..12];
        ada.WithWorkflows(WholeHost(cpus, token)).Commit();
        try
        {
            var first = await ada.RunDetachedAsync("whole", "--compute", "lab");
            await WaitStartedAsync(ada, first, "h1");

            var second = await ada.RunDetachedAsync("whole", "--compute", "lab");

            var waiting = $"waiting for {cpus} CPU{(cpus == 1 ? "" : "s")} (0 free) on h1";
            var row = await Eventually.ReturnsAsync(() => ada.RowAsync(second), r => r.Reason.Contains(waiting), TimeSpan.FromSeconds(60), $"{second}: {waiting}");
            row.Status.ShouldBe("Pending");
            (await ada.DstackAsync("ps", second)).StdOut.ShouldContain("Where:  lab/h1\n");
            (await ada.DstackAsync("logs", second)).StdOut.ShouldNotContain("started");

            await ssh.RunAsync("h1", $"touch ~/go-{token}-{first}");
            await WaitStartedAsync(ada, second, "h1");
            await ssh.RunAsync("h1", $"touch ~/go-{token}-{second}");
            (await ada.WaitFinishedAsync(first, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
            (await ada.WaitFinishedAsync(second, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
        }
        finally { await ssh.RunAsync("h1", $"rm -f ~/go-{token}-*"); }
    }

    [Fact]
    public async Task TwoWholeHostRuns_OnTwoHosts_RunOnH1AndH2AtTheSameTime()
    {
        var ssh = await SshHosts.GetAsync();
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await LabUserAsync(bucket, ssh);
        var cpus = int.Parse((await ssh.RunAsync("h1", "nproc")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var token = Guid.NewGuid().ToString("N")[..12];
        ada.WithWorkflows(WholeHost(cpus, token)).Commit();
        try
        {
            var first = await ada.RunDetachedAsync("whole", "--compute", "lab");
            await WaitStartedAsync(ada, first, "h1");

            var second = await ada.RunDetachedAsync("whole", "--compute", "lab");

            // The first still holds all of h1: the second runs on h2 meanwhile.
            await WaitStartedAsync(ada, second, "h2");
            (await ada.RowAsync(first)).Status.ShouldBe("Running");
            (await ada.DstackAsync("ps", second)).StdOut.ShouldContain("Where:  lab/h2\n");
            await ssh.RunAsync("h1", $"touch ~/go-{token}-{first}");
            await ssh.RunAsync("h2", $"touch ~/go-{token}-{second}");
            (await ada.WaitFinishedAsync(first, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
            (await ada.WaitFinishedAsync(second, TimeSpan.FromSeconds(60))).Status.ShouldBe("Done");
        }
        finally
        {
            await ssh.RunAsync("h1", $"rm -f ~/go-{token}-*");
            await ssh.RunAsync("h2", $"rm -f ~/go-{token}-*");
        }
    }
}
