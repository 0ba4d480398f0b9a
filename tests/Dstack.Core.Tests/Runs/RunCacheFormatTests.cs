using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Core.Tests.Runs;

public sealed class RunCacheFormatTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "dstack-runcache-" + Guid.NewGuid().ToString("N"));

    private static RunSummary Summary(string name, string? workflow, string? user, params JobState[] jobs) =>
        new(name, workflow, "bash", new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(name.Length), user, jobs);

    [Fact]
    public void AFinishedRun_ReadsBackAsPsShowsIt_WhateverItsFieldsHold()
    {
        var failed = new JobState { Status = JobStatus.Failed, Reason = TerminationReason.ExitCode, ExitCode = -3, Detail = "tab\there\nnew line \\ back\\t" };
        var runs = new[]
        {
            Summary("odd-fox-1", "train", "Ada\tL", failed, new JobState { Status = JobStatus.Done }),
            Summary("done-fox-2", null, null, new JobState { Status = JobStatus.Done }),
        };
        File.WriteAllBytes(_file, RunCacheFormat.Write(runs));

        var read = RunCacheFormat.Read(_file)!;

        read.Keys.ShouldBe(["odd-fox-1", "done-fox-2"], ignoreOrder: true);
        foreach (var run in runs)
        {
            var back = read[run.RunName];
            (back.WorkflowName, back.ProviderName, back.User, back.SubmittedAt).ShouldBe((run.WorkflowName, run.ProviderName, run.User, run.SubmittedAt));
            (back.State.Status, back.State.ReasonText, back.IsFinished).ShouldBe((run.State.Status, run.State.ReasonText, true));
        }
        read["odd-fox-1"].State.Detail.ShouldBe(failed.Detail);
    }

    [Theory]
    [InlineData("[{\"run_name\": \"old-json-cache\"}]")]
    [InlineData("dstack ps cache 2\n1\tname\tonly three fields\n")]
    [InlineData("dstack ps cache 2\n1\tn\tw\tbash\tu\tNoSuchStatus\tNone\t\t\n")]
    [InlineData("dstack ps cache 2\n1\tn\tw\tbash\tu\tDone\tNone\t\t")] // cut off: no newline at the end
    public void AnOlderOrDamagedCache_ReadsAsNone(string content)
    {
        File.WriteAllText(_file, content);
        RunCacheFormat.Read(_file).ShouldBeNull();
    }

    public void Dispose() => File.Delete(_file);
}
