using System.Globalization;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>Logs on S3 are numbered chunk objects, written every 100 ms while a job prints, never rewritten, followed live.</summary>
public sealed class S3LogsTests
{
    [Fact]
    public async Task LogsAttach_ByATeammate_ShowsEachLineWithinOneSecondOfTheJobPrintingIt()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows($"""
            workflows:
              - name: ticks
                provider: bash
                commands:
                  - echo ready
                  - {Sandbox.AwaitSignal("go")}
                  - for i in 1 2 3 4 5 6 7 8; do echo "tick $i $(date +%s%3N)"; sleep 0.3; done
            """).Commit();
        await using var bea = await bucket.NewTeammateAsync(ada);
        var run = await ada.RunDetachedAsync("ticks");
        await using var follower = new TimedLines(bea.Start(["logs", "-a", run]));
        await follower.WaitForAsync(l => l == "ready", TimeSpan.FromSeconds(30), "'ready' from `logs -a`");

        ada.Raise("go");
        var result = await follower.WaitForExitAsync(TimeSpan.FromSeconds(60));

        result.ExitCode.ShouldBe(0, result.ToString());
        var ticks = follower.Lines.Where(l => l.Line.StartsWith("tick ", StringComparison.Ordinal)).ToList();
        ticks.Select(t => t.Line.Split(' ')[1]).ShouldBe(["1", "2", "3", "4", "5", "6", "7", "8"], result.ToString());
        var delays = ticks.Select(t => t.At - DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(t.Line.Split(' ')[2], CultureInfo.InvariantCulture))).ToList();
        var report = string.Join(", ", delays.Select(d => $"{d.TotalMilliseconds:0}ms"));
        delays.ShouldAllBe(d => d < TimeSpan.FromSeconds(1), $"from the job printing a line to `logs -a` showing it: {report}");
    }

    [Fact]
    public async Task ChattyJob_WritesFewerLogObjectsThanLines_NumberedInOrder_AndNeverRewritesOne()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows($"""
            workflows:
              - name: chatty
                provider: bash
                commands:
                  - for i in $(seq 1 200); do echo "line $i"; sleep 0.005; done
                  - {Sandbox.SendSignal("half")}
                  - {Sandbox.AwaitSignal("go")}
                  - for i in $(seq 201 400); do echo "line $i"; sleep 0.005; done
            """).Commit();
        var run = await ada.RunDetachedAsync("chatty");
        await ada.WaitForSignalAsync("half");
        await Eventually.ReturnsAsync(() => ada.DstackAsync("logs", run), r => r.StdOut.Contains("line 200\n"), TimeSpan.FromSeconds(30), "the first half in the logs");
        var logs = S3Bucket.JobPrefix(run) + "logs/";
        var before = await bucket.ListAsync(logs);

        ada.Raise("go");
        (await ada.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        var after = await bucket.ListAsync(logs);

        (await ada.DstackAsync("logs", run)).StdOut.ShouldBe(string.Concat(Enumerable.Range(1, 400).Select(i => $"line {i}\n")));
        after.Count.ShouldBeLessThan(400, "lines are batched into chunks, never one object per line");
        after.Count.ShouldBeGreaterThan(before.Count);
        // A chunk's name is its number, then a summary (last time, lines): 0000000007-1764625000123-3.log.
        after.Select(o => o.Key[logs.Length..].Split('-')[0]).ShouldBe(Enumerable.Range(1, after.Count).Select(i => $"{i:D10}"), "chunks are numbered one after the other");
        after.Take(before.Count).ShouldBe(before, "a chunk, once written, is never rewritten (same ETag and time)");
    }
}
