using Dstack.Cli;
using System.Text;
using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Tags;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Tags page (<c>/tags</c>) and its API: <c>GET /api/tags</c> (every repo's tags), and, shaped as a run's actions,
/// <c>POST /api/tags/{owner}/{repo}/{tag}/add</c> (tag a finished run, as <c>dstack tags add TAG RUN</c>) and
/// <c>POST /api/tags/{owner}/{repo}/{tag}/delete</c> (as <c>dstack tags delete</c>). The POSTs pass the gate's CSRF
/// check; the page asks before each.
/// </summary>
public static class TagsPage
{
    /// <summary>The address of an action on a tag: <c>/api/tags/{owner}/{repo}/{tag}/{action}</c>.</summary>
    public static string ActionHref(string repo, string tag, string action) => $"/api/tags{PagesRoutes.RepoPath(repo)}/{Uri.EscapeDataString(tag)}/{action}";

    public static void Map(WebApplication app, DashboardServices s)
    {
        app.MapGet("/api/tags", async http => await DashboardHttp.JsonAsync(http, await ListAsync(s, http.RequestAborted), DashboardPagesJson.Default.TagsResponse));
        app.MapGet("/tags", async http =>
            await DashboardHttp.HtmlAsync(http, Html.Page("Tags", s.Auth.CsrfOf(http), Render(await ListAsync(s, http.RequestAborted)), PagesScripts.Tags)));
        PagesRoutes.MapAction(app, "tags", "add", DashboardPagesJson.Default.TagRequest, "{\"run\": RUN, \"override\": false}", (repo, tag, body, ct) => AddAsync(s, repo, tag, body, ct));
        PagesRoutes.MapAction(app, "tags", "delete", (repo, tag, ct) => DeleteAsync(s, repo, tag, ct));
    }

    private static async Task<ActionResponse> DeleteAsync(DashboardServices s, RepoRef repo, string tag, CancellationToken ct)
    {
        var name = TagName.Validate(tag);
        var tags = new TagStore(s.Ctx.Storage);
        if (!await tags.ExistsAsync(repo, name, ct)) throw TagException.NotFound(name, repo);
        await tags.DeleteAsync(repo, name, ct);
        return new ActionResponse($"Deleted the tag {name} of {repo.Id}.");
    }

    private static async Task<ActionResponse> AddAsync(DashboardServices s, RepoRef repo, string tag, TagRequest body, CancellationToken ct)
    {
        var name = TagName.Validate(tag);
        var runName = body.Run ?? "";
        var run = (RunName.IsValid(runName) ? await s.Ctx.Runs.GetAsync(repo, runName, ct) : null) ?? throw DashboardException.NoSuchRun(repo.Id, runName);
        var tags = new TagStore(s.Ctx.Storage);
        var exists = await tags.ExistsAsync(repo, name, ct);
        if (exists && !body.Override) throw DashboardPagesException.TagExists(name);
        await TagsVerb.SaveAsync(tags, repo, await TagsVerb.FromRunAsync(s.Ctx, name, run, ct), exists, ct);
        return new ActionResponse($"Tagged {run.RunName} as {name}.", run.RunName);
    }

    public static async Task<TagsResponse> ListAsync(DashboardServices s, CancellationToken ct)
    {
        var rows = new List<TagRow>();
        var repos = await s.Runs.ReposAsync(ct);
        var tags = new TagStore(s.Ctx.Storage);
        foreach (var repo in repos)
            foreach (var tag in await tags.ListAsync(repo, s.Ctx.Skipped, ct))
                rows.Add(new TagRow(repo.Id, tag.Name, tag.RunName, tag.WorkflowName, tag.Artifacts.Select(a => a.Path).ToList(), tag.CreatedAt, tag.User));
        return new TagsResponse(rows, repos.Select(r => r.Id).ToList());
    }

    public static string Render(TagsResponse tags)
    {
        var html = new StringBuilder("<h1>Tags</h1><table><thead><tr><th>Tag</th><th>Repo</th><th>Run</th><th>Workflow</th><th>Artifacts</th><th>Created</th><th></th></tr></thead><tbody id=\"tags\">");
        foreach (var tag in tags.Tags)
        {
            var run = tag.Run is { } r ? $"<a href=\"{Html.E(RunPage.Href(tag.Repo, r))}\">{Html.E(r)}</a>" : "(uploaded)";
            var delete = ActionHref(tag.Repo, tag.Name, "delete");
            html.Append($"<tr data-tag=\"{Html.E(tag.Name)}\"><td><a href=\"{Html.E(ArtifactsPage.TagHref(tag.Repo, tag.Name))}\">{Html.E(tag.Name)}</a></td><td>{Html.E(tag.Repo)}</td>" +
                        $"<td>{run}</td><td>{Html.E(tag.Workflow)}</td><td>{Html.E(string.Join(", ", tag.Artifacts))}</td><td>{tag.Created.UtcDateTime:yyyy-MM-dd HH:mm} UTC</td>" +
                        $"<td><button data-post=\"{Html.E(delete)}\" data-question=\"{Html.E($"Delete the tag {tag.Name} of {tag.Repo}?")}\">Delete</button></td></tr>");
        }
        html.Append("</tbody></table><h2>Tag a run</h2><form id=\"add\"><datalist id=\"repos\">");
        foreach (var repo in tags.Repos) html.Append($"<option value=\"{Html.E(repo)}\">");
        html.Append("</datalist><label>Repo <input name=\"repo\" list=\"repos\" required></label> <label>Run <input name=\"run\" required></label> " +
                    "<label>Tag <input name=\"name\" required></label> <label><input type=\"checkbox\" name=\"override\"> Override</label> <button>Tag</button></form>" +
                    "<p id=\"message\"></p>");
        return html.ToString();
    }
}
