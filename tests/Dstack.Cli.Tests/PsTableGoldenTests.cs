using Dstack.Cli.Tests.Support;
using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Cli.Tests;

/// <summary>The <c>ps</c> table for fixed runs at a fixed time, against <c>Golden/ps-*.txt</c>.</summary>
public class PsTableGoldenTests
{
    public static readonly string[] Names = ["ps-table", "ps-empty", "ps-all", "ps-one"];

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RunSummary Run(string name, string? workflow, TimeSpan ago, JobState state) =>
        new(name, workflow, "bash", Now - ago, "alice", [state]);

    [Fact]
    public void Render_RunsInEveryState_MatchesTheGoldenFile()
    {
        RunSummary[] runs =
        [
            Run("wet-fox-7", "train", TimeSpan.FromSeconds(20), new JobState { Status = JobStatus.Running, Ports = [8080, 8081], PortUrls = ["http://127.0.0.1:8080", "http://127.0.0.1:8081"], UpdatedAt = Now }),
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

    [Fact]
    public async Task PsAll_FinishedRunsInTheStore_MatchesTheGoldenFile()
    {
        using var cli = new InProcessCli { Time = new FakeTimeProvider(Now) };
        await AddRunAsync(cli, "old-elk-5", "train", TimeSpan.FromHours(2), new JobState { Status = JobStatus.Done, Reason = TerminationReason.Completed });
        await AddRunAsync(cli, "odd-cat-4", "eval", TimeSpan.FromDays(3), new JobState { Status = JobStatus.Failed, ExitCode = 2, Reason = TerminationReason.ExitCode });
        await AddRunAsync(cli, "big-ant-3", null, TimeSpan.FromDays(40), new JobState { Status = JobStatus.Stopped, Reason = TerminationReason.StoppedByUser });

        var (code, stdout, stderr) = await cli.RunAsync("ps", "-a");

        code.ShouldBe(0, stderr);
        Golden.Check("ps-all", stdout);
    }

    [Fact]
    public async Task PsOneRun_ShowsWhatItWasBuiltFrom_MatchesTheGoldenFile()
    {
        using var cli = new InProcessCli { Time = new FakeTimeProvider(Now) };
        await AddRunAsync(cli, "old-elk-5", "train", TimeSpan.FromMinutes(90), new JobState { Status = JobStatus.Done, Reason = TerminationReason.Completed },
            restartOf: "old-elk-4", tag: "model-v1");

        var (code, stdout, stderr) = await cli.RunAsync("ps", "old-elk-5");

        code.ShouldBe(0, stderr);
        Golden.Check("ps-one", stdout);
    }

    private static async Task AddRunAsync(InProcessCli cli, string name, string? workflow, TimeSpan ago, JobState state,
        string? restartOf = null, string? tag = null)
    {
        var at = Now - ago;
        var repo = new RepoRef("local", "proj");
        var run = new RunRecord
        {
            RunName = name, Repo = repo, WorkflowName = workflow, ProviderName = "bash", SubmittedAt = at, User = "alice",
            Code = new RepoSnapshotInfo { SnapshotId = "s", Branch = "main", Commit = "0123456789abcdef0123", UntrackedFiles = 2 },
            Jobs = [new JobSpec { Commands = ["true"] }], RestartOf = restartOf, TagOnDone = tag,
        };
        var runs = new RunStore(new LocalStorage(cli.Home));
        await runs.CreateAsync(run, at, default);
        await runs.PutStateAsync(repo, name, 0, state with { UpdatedAt = at, FinishedAt = at + TimeSpan.FromMinutes(1) }, default);
    }
}
