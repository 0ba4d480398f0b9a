using Dstack.Cli;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Runs page (<c>/</c>) and its API (<c>GET /api/runs</c>): every repo's runs, newest first, filtered by repo,
/// workflow, status and user, 50 a page; the page refreshes its table from the API.
/// </summary>
public static class RunsPage
{
    public static void Map(WebApplication app, DashboardServices s)
    {
        app.MapGet("/api/runs", async http =>
            await DashboardHttp.JsonAsync(http, await s.Runs.PageAsync(RunFilter.From(http.Request.Query), http.RequestAborted), DashboardJson.Default.RunsResponse));
        app.MapGet("/", async http =>
        {
            var filter = RunFilter.From(http.Request.Query);
            var page = await s.Runs.PageAsync(filter, http.RequestAborted);
            await DashboardHttp.HtmlAsync(http, Html.Page("Runs", s.Auth.CsrfOf(http), Render(filter, page), DashboardScripts.Runs));
        });
    }

    public static string Render(RunFilter filter, RunsResponse page)
    {
        var html = new StringBuilder();
        html.Append("<h1>Runs</h1><form method=\"get\" action=\"/\">");
        foreach (var (name, value) in new[] { ("repo", filter.Repo), ("workflow", filter.Workflow), ("status", filter.Status), ("user", filter.User) })
            html.Append($"<label>{name} <input name=\"{name}\" value=\"{Html.E(value)}\" size=\"12\"></label> ");
        html.Append("<button>Filter</button></form>");
        html.Append($"<p><span id=\"total\">{page.Total}</span> run(s) · page {page.Page} of {page.Pages}");
        if (page.Page > 1) html.Append($" · <a href=\"/{Html.E(filter.Query(page.Page - 1))}\">newer</a>");
        if (page.Page < page.Pages) html.Append($" · <a id=\"older\" href=\"/{Html.E(filter.Query(page.Page + 1))}\">older</a>");
        html.Append("</p><table><thead><tr><th>Run</th><th>Repo</th><th>Workflow</th><th>Submitted</th><th>User</th><th>Status</th><th>Reason</th></tr></thead><tbody id=\"runs\">");
        foreach (var run in page.Runs)
            html.Append($"<tr data-run=\"{Html.E(run.Run)}\"><td><a href=\"{Html.E(RunPage.Href(run.Repo, run.Run))}\">{Html.E(run.Run)}</a></td><td>{Html.E(run.Repo)}</td>" +
                        $"<td>{Html.E(run.Workflow ?? run.Provider)}</td><td>{run.Submitted.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC</td><td>{Html.E(run.User)}</td>" +
                        $"<td>{Html.E(run.Status)}</td><td>{Html.E(run.Reason)}</td></tr>");
        html.Append("</tbody></table>");
        return html.ToString();
    }
}
