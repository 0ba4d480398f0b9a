using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// A team on one bucket: a teammate (own <c>DSTACK_HOME</c>, own clone of the repo) sees the first user's runs, logs,
/// tags and artifacts, downloads them, and depends on them from another repo.
/// </summary>
public sealed class S3TeamTests
{

    [Fact]
    public async Task Teammate_SeesTheFirstUsersRunsLogsTagsAndArtifacts_AndDownloadsThem()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Workflows.Data).Commit();
        var run = await ada.RunDoneAsync("data");
        (await ada.DstackAsync("tags", "add", "best", run)).ExitCode.ShouldBe(0);
        await using var bea = await bucket.NewTeammateAsync(ada);

        var ps = await bea.PsAsync("-a");
        var logs = await bea.DstackAsync("logs", run);
        var tags = await bea.TagSummariesAsync();
        var artifacts = await bea.ArtifactsAsync(run);
        var (download, dir) = await bea.DownloadAsync(":best");

        ps.ShouldBe([new PsRow(run, "data", "Ada Tester", "Done", "")]);
        logs.ExitCode.ShouldBe(0, logs.ToString());
        logs.StdOut.ShouldBe("made data/rows.txt\n");
        tags.ShouldBe([$"best {run} data"]);
        artifacts.ShouldBe(await ada.ArtifactsAsync(run));
        (await bea.ArtifactsAsync(":best")).ShouldBe(artifacts);
        download.ExitCode.ShouldBe(0, download.ToString());
        FileTree.Describe(dir).ShouldBe(["data/", $"data/rows.txt 644 \"rows by {run}\n\""]);
        Directory.Exists(Path.Combine(bea.Home, "repos")).ShouldBeFalse("the teammate read it all from the bucket");
    }

    [Fact]
    public async Task Teammate_InAnotherRepo_DependsOnTheFirstUsersTagAndWorkflow()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Workflows.Data).Commit();
        var run = await ada.RunDoneAsync("data");
        (await ada.DstackAsync("tags", "add", "best", run)).ExitCode.ShouldBe(0);
        await using var bea = await bucket.NewTeammateAsync(ada);
        var other = new SiblingRepo(bea, "other", "https://github.com/acme/other.git").WithWorkflows("""
            workflows:
              - name: report
                provider: bash
                deps:
                  - tag: acme/widgets/best
                commands:
                  - echo "report on $(cat data/rows.txt) in $REPO_OWNER/$REPO_NAME"
              - name: latest
                provider: bash
                deps:
                  - workflow: acme/widgets/data
                commands:
                  - cat data/rows.txt
            """).Commit();

        var report = await other.DstackAsync("run", "report");
        var latest = await other.DstackAsync("run", "latest");

        report.ExitCode.ShouldBe(0, report.ToString());
        report.StdOut.ShouldBe($"report on rows by {run} in acme/other\n");
        latest.ExitCode.ShouldBe(0, latest.ToString());
        latest.StdOut.ShouldBe($"rows by {run}\n");
        (await other.DstackAsync("ps", report.SubmittedRun)).StdOut.ShouldContain($"\nDep:    tag acme/widgets/best <- run {run} in acme/widgets: data\n");
        (await other.DstackAsync("ps", latest.SubmittedRun)).StdOut.ShouldContain($"\nDep:    workflow acme/widgets/data <- run {run} in acme/widgets: data\n");
        (await bucket.KeysAsync(S3Bucket.RunPrefix(report.SubmittedRun, repo: "other"))).ShouldNotBeEmpty("the teammate's run is in the bucket too");
        (await ada.PsAsync("-a")).Select(r => r.Run).ShouldBe([run], "runs of acme/other are not runs of acme/widgets");
    }

    [Fact]
    public async Task Teammate_StopsTheFirstUsersRun_AndBothSeeItStopped()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Workflows.HelloAndWait).Commit();
        await using var bea = await bucket.NewTeammateAsync(ada);
        var run = await ada.RunDetachedAsync("wait");
        await ada.WaitForSignalAsync("started");
        (await bea.WaitForStatusAsync(run, s => s == "Running")).ShouldBe("Running");

        var stop = await bea.DstackAsync("stop", "-y", run);

        stop.ExitCode.ShouldBe(0, stop.ToString());
        (await bea.RowAsync(run)).ShouldBe(new PsRow(run, "wait", "Ada Tester", "Stopped", "stopped by user"));
        (await ada.RowAsync(run)).ShouldBe(new PsRow(run, "wait", "Ada Tester", "Stopped", "stopped by user"));
    }
}
