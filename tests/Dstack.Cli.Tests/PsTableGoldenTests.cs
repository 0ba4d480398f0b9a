using Dstack.Cli.Tests.Support;
using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli.Tests;

/// <summary>The <c>ps</c> table for fixed runs at a fixed time, against <c>Golden/ps-*.txt</c>.</summary>
public class PsTableGoldenTests
{
    public static readonly string[] Names = ["ps-table", "ps-empty"];

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunSummary Run(string name, string? workflow, TimeSpan ago, JobState state) =>
        new(name, workflow, "bash", Now - ago, "alice", [state]);

    [Fact]
    public void Render_RunsInEveryState_MatchesTheGoldenFile()
    {
        RunSummary[] runs =
        [
            Run("wet-fox-7", "train", TimeSpan.FromSeconds(20), new JobState { Status = JobStatus.Running, Ports = [8080, 8081], UpdatedAt = Now }),
            Run("shy-owl-6", "train", TimeSpan.FromMinutes(3), new JobState { Status = JobStatus.Pending, Detail = "waiting for 1 GPU", UpdatedAt = Now }),
            Run("old-elk-5", null, TimeSpan.FromHours(2), new JobState { Status = JobStatus.Done, ExitCode = 0, Reason = TerminationReason.Completed, UpdatedAt = Now }),
            Run("odd-cat-4", "eval", TimeSpan.FromDays(3), new JobState { Status = JobStatus.Failed, ExitCode = 2, Reason = TerminationReason.ExitCode, UpdatedAt = Now }),
            Run("big-ant-3", "train", TimeSpan.FromDays(40), new JobState { Status = JobStatus.Stopped, Reason = TerminationReason.StoppedByUser, UpdatedAt = Now }),
        ];

        Golden.Check("ps-table", PsVerb.Render(runs, Now));
    }

    [Fact]
    public void Render_NoRuns_MatchesTheGoldenFile()
    {
        Golden.Check("ps-empty", PsVerb.Render([], Now));
    }
}
