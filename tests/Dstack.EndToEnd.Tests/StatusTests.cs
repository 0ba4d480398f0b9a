using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>How each way a run can end reads in <c>dstack ps</c>: STATUS and REASON.</summary>
public sealed class StatusTests
{
    [Fact]
    public async Task Ps_SucceededRun_IsDoneWithoutAReason()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "hello")).SubmittedRun;

        var row = await sandbox.RowAsync(run);

        row.ShouldBe(new PsRow(run, "hello", "Ada Tester", "Done", ""));
    }

    [Fact]
    public async Task Ps_FailedRun_IsFailedWithTheExitCode()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = (await sandbox.DstackAsync("run", "bash", "-c", "exit 3")).SubmittedRun;

        var row = await sandbox.RowAsync(run);

        row.ShouldBe(new PsRow(run, "bash", "Ada Tester", "Failed", "exit code 3"));
    }

    [Fact]
    public async Task Ps_RunWhoseJobRuns_IsRunning()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");

        var row = await sandbox.RowAsync(run);

        row.Status.ShouldBe("Running", row.ToString());
        row.Reason.ShouldBe("");
    }

    [Theory]
    [InlineData(new string[0], "Stopped", "stopped by user")]
    [InlineData(new[] { "-x" }, "Aborted", "aborted by user")]
    public async Task Ps_RunStoppedOrAbortedByTheUser_SaysSo(string[] options, string status, string reason)
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows.HelloAndWait).Commit();
        var run = await sandbox.RunDetachedAsync("wait");
        await sandbox.WaitForSignalAsync("started");

        var stop = await sandbox.DstackAsync(["stop", "-y", .. options, run]);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        var row = await sandbox.RowAsync(run);
        row.Status.ShouldBe(status, row.ToString());
        row.Reason.ShouldBe(reason);
    }
}
