using Dstack.Cli;
using System.Text;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Run page (<c>/runs/{owner}/{repo}/{run}</c>) and its API (<c>GET /api/runs/{owner}/{repo}/{run}</c>): the jobs,
/// status and reason, where they ran, the code, deps and links, the actions, and the live log (<see cref="LogApi"/>).
/// </summary>
public static class RunPage
{
    public static string Href(string repo, string run) =>
        $"/runs{PagesRoutes.RepoPath(repo)}/{Uri.EscapeDataString(run)}";

    public static string ApiHref(string repo, string run) => "/api" + Href(repo, run);

    public static void Map(WebApplication app, DashboardServices s)
    {
        app.MapGet("/api/runs/{owner}/{repo}/{run}", async http =>
        {
            var (repo, name) = DashboardHttp.RunOf(http);
            if (await s.Runs.ViewAsync(repo, name, http.RequestAborted) is not { } view)
            {
                await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, DashboardException.NoSuchRun(repo.Id, name).Message);
                return;
            }
            await DashboardHttp.JsonAsync(http, await RunDetails.OfAsync(s.Ctx, view, http.RequestAborted), DashboardJson.Default.RunResponse);
        });
        app.MapGet("/runs/{owner}/{repo}/{run}", async http =>
        {
            var (repo, name) = DashboardHttp.RunOf(http);
            var csrf = s.Auth.CsrfOf(http);
            if (await s.Runs.ViewAsync(repo, name, http.RequestAborted) is not { } view)
            {
                await DashboardHttp.HtmlAsync(http, Html.Page("No such run", csrf, $"<p>{Html.E(DashboardException.NoSuchRun(repo.Id, name).Message)}</p>"), StatusCodes.Status404NotFound);
                return;
            }
            var details = await RunDetails.OfAsync(s.Ctx, view, http.RequestAborted);
            await DashboardHttp.HtmlAsync(http, Html.Page(name, csrf, Render(view, details), DashboardScripts.Run));
        });
    }

    public static string Render(RunView view, RunResponse details)
    {
        var run = view.Run;
        var row = details.Run;
        var html = new StringBuilder();
        html.Append($"<h1 id=\"run\" data-api=\"{Html.E(ApiHref(row.Repo, row.Run))}\">{Html.E(row.Run)}</h1><dl>");
        void Item(string term, string? value, string? id = null)
        {
            if (value is null) return;
            html.Append($"<dt>{term}</dt><dd{(id is null ? "" : $" id=\"{id}\"")}>{Html.E(value)}</dd>");
        }
        Item("Repo", row.Repo);
        Item("Workflow", row.Workflow ?? row.Provider);
        Item("Status", row.Status, "status");
        html.Append($"<dt>Reason</dt><dd id=\"reason\">{Html.E(row.Reason)}</dd>");
        Item("Submitted", $"{row.Submitted.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        Item("User", row.User);
        if (run.Code.IsGit)
            Item("Code", $"{run.Code.Branch ?? "(detached)"} @ {run.Code.Commit ?? "(no commit)"}"
                         + (run.Code.DiffBlob is null ? "" : " + uncommitted changes") + (run.Code.UntrackedFiles > 0 ? $" + {run.Code.UntrackedFiles} untracked file(s)" : ""));
        if (run.Args.Count > 0) Item("Args", string.Join(' ', run.Args));
        if (run.RestartOf is { } previous)
            html.Append($"<dt>Restart of</dt><dd><a href=\"{Html.E(Href(row.Repo, previous))}\">{Html.E(previous)}</a></dd>");
        foreach (var dep in run.Deps)
        {
            var from = dep.RunName is { } r ? $"<a href=\"{Html.E(Href(dep.Repo.Id, r))}\">{Html.E(r)}</a>" : "(uploaded)";
            html.Append($"<dt>Dep</dt><dd>{(dep.Kind == DepSource.Tag ? "tag" : "workflow")} {Html.E(dep.Name)} ← run {from} in {Html.E(dep.Repo.Id)}: " +
                        $"{Html.E(string.Join(", ", dep.Artifacts.Select(a => a.Path)))}</dd>");
        }
        if (run.TagOnDone is { } tag) Item("Tag when done", tag);
        html.Append($"<dt>Artifacts</dt><dd><a id=\"artifacts\" href=\"{Html.E(ArtifactsPage.RunHref(row.Repo, row.Run))}\">browse and download</a></dd>");
        foreach (var (job, state) in ServerLinks.Serving(view))
            if (state.LinkAt(state.PortUrls.FirstOrDefault()) is { } link)
                html.Append($"<dt>Open</dt><dd><a href=\"{Html.E(link)}\">{Html.E(link)}</a>{(view.Jobs.Count > 1 ? $" (job {job})" : "")}</dd>");
        html.Append("</dl><p>");
        html.Append($"<button id=\"stop\" data-action=\"stop\">Stop</button><button id=\"abort\" data-action=\"abort\">Abort</button>");
        html.Append($"<button id=\"restart\" data-action=\"restart\">Restart</button><button id=\"rm\" data-action=\"rm\">Remove</button> <span id=\"message\"></span></p>");
        html.Append("<h2>Jobs</h2><table><thead><tr><th>Job</th><th>Where</th><th>Status</th><th>Reason</th><th>Ports</th></tr></thead><tbody id=\"jobs\">");
        foreach (var job in details.Jobs)
            html.Append($"<tr><td>{job.Index}</td><td>{Html.E(job.Where)}</td><td>{Html.E(job.Status)}</td><td>{Html.E(job.Reason)}</td><td>{Html.E(string.Join(' ', job.Ports))}</td></tr>");
        html.Append("</tbody></table><h2>Log</h2>");
        if (details.Jobs.Count > 1)
        {
            html.Append("<p>Job: <select id=\"job\">");
            foreach (var job in details.Jobs) html.Append($"<option value=\"{job.Index}\">{job.Index}</option>");
            html.Append("</select></p>");
        }
        html.Append($"<p><button id=\"older\" hidden>Older lines</button></p><div id=\"log\" class=\"log\" data-job=\"{details.Jobs[0].Index}\"></div>");
        return html.ToString();
    }
}
