using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>Ctrl+C while <c>dstack run</c> follows the logs asks whether to stop the run.</summary>
public sealed class RunInterruptTests
{
    private static Sandbox NewSandbox() => new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();

    [Theory]
    [InlineData("n")]
    [InlineData(null)] // end of input counts as no
    public async Task Run_CtrlC_AnsweredNo_DetachesWithTheLogsHint_AndTheRunGoesOn(string? answer)
    {
        await using var sandbox = NewSandbox();
        await using var live = sandbox.StartLive("run", "wait");
        await live.WaitForStdOutAsync("working\n");

        live.Interrupt();
        await live.WaitForStdErrAsync("[y/N]");
        if (answer is null) live.CloseInput();
        else await live.AnswerAsync(answer);
        var result = await live.WaitForExitAsync();

        result.ExitCode.ShouldBe(130, result.ToString());
        var run = result.SubmittedRun;
        result.StdErr.ShouldContain($"Stop the run '{run}'? [y/N]");
        result.StdErr.ShouldContain($"dstack logs -a {run}");
        (await sandbox.RowAsync(run)).Status.ShouldBe("Running");
        sandbox.Raise("go");
        (await sandbox.WaitFinishedAsync(run)).Status.ShouldBe("Done");
        (await sandbox.DstackAsync("logs", run)).StdOut.ShouldBe("working\nfinished\n");
    }

    [Fact]
    public async Task Run_CtrlC_AnsweredYes_StopsTheRun_AndFollowsItToTheEnd()
    {
        await using var sandbox = NewSandbox();
        await using var live = sandbox.StartLive("run", "wait");
        await live.WaitForStdOutAsync("working\n");

        live.Interrupt();
        await live.WaitForStdErrAsync("[y/N]");
        await live.AnswerAsync("y");
        var result = await live.WaitForExitAsync();

        result.ExitCode.ShouldNotBe(0, result.ToString());
        result.ExitCode.ShouldNotBe(130, result.ToString());
        var row = await sandbox.RowAsync(result.SubmittedRun);
        row.Status.ShouldBe("Stopped", row.ToString());
        row.Reason.ShouldBe("stopped by user");
        result.StdOut.ShouldNotContain("finished");
        result.StdOut.ShouldBe("working\n", "what was shown before Ctrl+C is not shown again");
    }
}
