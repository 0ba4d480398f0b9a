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

    [Fact]
    public void ManyRuns_ShareWhatRepeats_SoThatARunCostsItsNameAndSummary()
    {
        var failed = new JobState { Status = JobStatus.Failed, Reason = TerminationReason.ExitCode, ExitCode = 2 };
        var runs = Enumerable.Range(0, 100).Select(i => Summary($"fox-{i}", "train", "Ada", i % 2 == 0 ? failed : new JobState { Status = JobStatus.Done })).ToList();
        File.WriteAllBytes(_file, RunCacheFormat.Write(runs));

        var read = RunCacheFormat.Read(_file)!;

        read.Count.ShouldBe(100);
        read.Values.Select(r => r.Jobs).Distinct(ReferenceEqualityComparer.Instance).Count().ShouldBe(2);
        read.Values.Select(r => r.WorkflowName).Distinct(ReferenceEqualityComparer.Instance).Count().ShouldBe(1);
        read.Values.Select(r => r.User).Distinct(ReferenceEqualityComparer.Instance).Count().ShouldBe(1);
        read["fox-4"].State.ReasonText.ShouldBe("exit code 2");
        read["fox-5"].State.Status.ShouldBe(JobStatus.Done);
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

    /// <summary>A cache or checkpoint an older dstack wrote: its runs are not read again, but listed again (when is unknown).</summary>
    [Fact]
    public void ThePreviousFormat_ReadsAsAViewListedAtAnUnknownTime()
    {
        File.WriteAllText(_file, "dstack ps cache 2\n639317966642580954\told-fox-1\ttrain\tbash\tAda\tFailed\tExitCode\t3\t\n");

        var view = RunCacheFormat.ReadView(_file)!;

        view.ListedAt.ShouldBe(0);
        view.Runs["old-fox-1"].State.ReasonText.ShouldBe("exit code 3");
        view.Runs["old-fox-1"].IsSettled.ShouldBeTrue();
    }

    public void Dispose() => File.Delete(_file);
}
