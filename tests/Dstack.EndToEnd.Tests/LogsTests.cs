using System.Globalization;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class LogsTests
{
    [Fact]
    public async Task Logs_OfAFinishedRun_PrintsItsOutputAgain()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "bash", "-c", "echo one; echo two >&2; printf 'three'")).SubmittedRun;

        var logs = await sandbox.DstackAsync("logs", run);

        logs.ExitCode.ShouldBe(0, logs.ToString());
        logs.StdOut.ShouldBe("one\ntwo\nthree");
    }

    [Fact]
    public async Task Logs_Tail_PrintsTheLastLines()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "bash", "-c", "seq 1 1000")).SubmittedRun;

        var logs = await sandbox.DstackAsync("logs", "--tail", "3", run);

        logs.ExitCode.ShouldBe(0, logs.ToString());
        logs.StdOut.ShouldBe("998\n999\n1000\n");
        (await sandbox.DstackAsync("logs", "-n", "many", run)).StdErr.ShouldContain("Invalid --tail 'many'");
    }

    [Fact]
    public async Task Logs_Attach_FollowsTheRunUntilItEnds()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await using var live = sandbox.StartLive("logs", "-a", run);

        await live.WaitForStdOutAsync("working\n");
        live.HasExited.ShouldBeFalse("logs -a must keep following while the run goes on");
        sandbox.Raise("go");
        var result = await live.WaitForExitAsync();

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe("working\nfinished\n");
    }

    [Fact]
    public async Task Logs_Since_ShowsOnlyTheLinesLoggedFromThatTimeOn()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await Eventually.ReturnsAsync(() => sandbox.DstackAsync("logs", run), r => r.StdOut.Contains("working"), TimeSpan.FromSeconds(30), "the first line to be logged");
        // Log times have millisecond precision: cut on a millisecond boundary, and go on once it has passed.
        var now = DateTimeOffset.UtcNow;
        var cut = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero).AddMilliseconds(1);
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > cut, TimeSpan.FromSeconds(5), "the clock to pass the cut");
        sandbox.Raise("go");
        await sandbox.WaitFinishedAsync(run);
        var iso = cut.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        (await sandbox.DstackAsync("logs", "-s", iso, run)).StdOut.ShouldBe("finished\n");
        (await sandbox.DstackAsync("logs", "--since", "1h", run)).StdOut.ShouldBe("working\nfinished\n");
        var future = await sandbox.DstackAsync("logs", "-s", "2999-01-01T00:00:00Z", run);
        future.ExitCode.ShouldBe(0, future.ToString());
        future.StdOut.ShouldBeEmpty();
    }

    [Fact]
    public async Task Logs_InvalidSince_IsRefusedWithTheAcceptedForms()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;

        var result = await sandbox.DstackAsync("logs", "-s", "yesterday", run);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldStartWith("Error: Invalid --since 'yesterday'", Case.Sensitive);
        result.StdErr.ShouldNotContain("   at ");
    }
}
