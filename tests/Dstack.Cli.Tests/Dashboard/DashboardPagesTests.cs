using Dstack.Dashboard;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Microsoft.AspNetCore.Http;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>What the pages render from hostile names, and the Runs page's filters and paging.</summary>
public class DashboardPagesTests
{
    private const string Evil = "<img src=x onerror=alert(1)>";

    private static RunRow Row(string run, string repo = "me/repo", string status = "Done", string? user = "ada", string workflow = "train", int minutes = 0) =>
        new(repo, run, workflow, "bash", DateTimeOffset.UnixEpoch.AddMinutes(minutes), user, status, "", true);

    [Fact]
    public void RunsPage_EncodesEveryValue()
    {
        var html = RunsPage.Render(new RunFilter(Evil, "", "", "", 1), new RunsResponse([Row("r-1", repo: Evil, user: Evil, workflow: Evil)], 1, 1, 1));
        html.ShouldNotContain("<img");
        html.ShouldContain("&lt;img src=x onerror=alert(1)&gt;");
    }

    [Fact]
    public void RunPage_EncodesBranchWorkflowAndArgs()
    {
        var run = new RunRecord
        {
            RunName = "r-1", Repo = new RepoRef("me", "repo"), WorkflowName = Evil, ProviderName = "bash", SubmittedAt = DateTimeOffset.UnixEpoch,
            Code = new RepoSnapshotInfo { SnapshotId = "s", Branch = Evil, Commit = "abc" }, Jobs = [], Args = [Evil], User = Evil,
        };
        var view = new RunView(run, []);
        var details = new RunResponse(Row("r-1", user: Evil, workflow: Evil), [new JobRow(0, Evil, "Done", Evil, [], true)]);
        var html = RunPage.Render(view, details);
        html.ShouldNotContain("<img");
        html.ShouldContain($"&lt;img src=x onerror=alert(1)&gt; @ abc");
    }

    [Fact]
    public void Filters_MatchExactly_AndKeepTheirQueryInPageLinks()
    {
        var filter = RunFilter.From(new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["repo"] = "me/repo", ["status"] = "running", ["user"] = "ada", ["page"] = "2",
        }));
        filter.Matches(Row("a", status: "Running")).ShouldBeTrue("status ignores case");
        filter.Matches(Row("b", status: "Done")).ShouldBeFalse();
        filter.Matches(Row("c", repo: "me/other", status: "Running")).ShouldBeFalse();
        filter.Matches(Row("d", user: null, status: "Running")).ShouldBeFalse();
        filter.Query(3).ShouldBe("?repo=me%2Frepo&status=running&user=ada&page=3");
        new RunFilter("", "", "", "", 1).Query().ShouldBe("");
    }
}
