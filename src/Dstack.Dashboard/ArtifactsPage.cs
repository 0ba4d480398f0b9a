using Dstack.Cli;
using System.Text;
using Dstack.Cli.Output;
using Dstack.Core.Artifacts;
using Dstack.Core.Errors;
using Dstack.Core.Tags;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Artifacts pages of a run (<c>/runs/{owner}/{repo}/{run}/artifacts</c>) and of a tag
/// (<c>/tags/{owner}/{repo}/{tag}/artifacts</c>), and their API under <c>/api</c> + the same address: the tree with
/// sizes (JSON), <c>/file?path=P</c> (one file) and <c>/zip?path=FOLDER</c> (a folder, or everything without path).
/// Paths are those <c>dstack artifacts download</c> writes; one that is not plain is refused with 400, one not in the
/// tree with 404.
/// </summary>
public static class ArtifactsPage
{
    public static string RunHref(string repo, string run) => $"/runs{PagesRoutes.RepoPath(repo)}/{Uri.EscapeDataString(run)}/artifacts";

    public static string TagHref(string repo, string tag) => $"/tags{PagesRoutes.RepoPath(repo)}/{Uri.EscapeDataString(tag)}/artifacts";

    public static void Map(WebApplication app, DashboardServices s)
    {
        Map(app, s, "/runs/{owner}/{repo}/{run}/artifacts", http => RunTreeAsync(s, http));
        Map(app, s, "/tags/{owner}/{repo}/{tag}/artifacts", http => TagTreeAsync(s, http));
    }

    private static void Map(WebApplication app, DashboardServices s, string page, Func<HttpContext, Task<ArtifactTree?>> tree)
    {
        app.MapGet("/api" + page, async http =>
        {
            if (await tree(http) is { } t)
                await DashboardHttp.JsonAsync(http, new ArtifactsResponse(t.Owner, t.Files()), DashboardPagesJson.Default.ArtifactsResponse);
        });
        app.MapGet("/api" + page + "/file", async http =>
        {
            if (await PathAsync(http, required: true) is not { } path || await tree(http) is not { } t) return;
            if (t.File(path) is not { } entry)
            {
                await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, DashboardPagesException.NoArtifactFile(path, t.Owner).Message);
                return;
            }
            await ArtifactDownload.FileAsync(http, Blobs(s), t, entry, path);
        });
        app.MapGet("/api" + page + "/zip", async http =>
        {
            if (await PathAsync(http, required: false) is not { } folder || await tree(http) is not { } t) return;
            if (t.Under(folder) is not { } entries)
            {
                await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, DashboardPagesException.NoArtifactFolder(folder, t.Owner).Message);
                return;
            }
            var name = folder.Length > 0 ? folder[(folder.LastIndexOf('/') + 1)..] : t.Owner.Replace(' ', '-');
            await ArtifactDownload.ZipAsync(http, Blobs(s), t, entries, name + ".zip");
        });
        app.MapGet(page, async http =>
        {
            if (await tree(http) is { } t)
                await DashboardHttp.HtmlAsync(http, Html.Page($"Artifacts of {t.Owner}", s.Auth.CsrfOf(http), Render(http.Request.Path.Value!, t)));
        });
    }

    private static Core.Storage.BlobStore Blobs(DashboardServices s) => new ArtifactStore(s.Ctx.Storage).Trees.Blobs;

    /// <summary>The <c>path</c> query, checked; null (and 400 sent) when it is not plain.</summary>
    private static async Task<string?> PathAsync(HttpContext http, bool required)
    {
        var path = http.Request.Query["path"].ToString();
        if (path.Length == 0 && !required) return "";
        if (ArtifactTree.IsPlain(path)) return path;
        await DashboardHttp.ErrorAsync(http, StatusCodes.Status400BadRequest, DashboardPagesException.BadArtifactPath(path).Message);
        return null;
    }

    private static async Task<ArtifactTree?> RunTreeAsync(DashboardServices s, HttpContext http)
    {
        var (repo, name) = DashboardHttp.RunOf(http);
        var ct = http.RequestAborted;
        if (PagesRoutes.RepoOf(http) is null || await s.Runs.ViewAsync(repo, name, ct) is not { } view)
        {
            await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, DashboardException.NoSuchRun(repo.Id, name).Message);
            return null;
        }
        return await ReadAsync(s, http, () => ArtifactSource.OfRunAsync(s.Ctx, view.Run, ct));
    }

    private static async Task<ArtifactTree?> TagTreeAsync(DashboardServices s, HttpContext http)
    {
        if (PagesRoutes.RepoOf(http) is not { } repo || !TagName.IsValid(PagesRoutes.Value(http, "tag")))
        {
            await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound,
                DashboardPagesException.NoSuchTag($"{PagesRoutes.Value(http, "owner")}/{PagesRoutes.Value(http, "repo")}", PagesRoutes.Value(http, "tag")).Message);
            return null;
        }
        return await ReadAsync(s, http, () => ArtifactSource.OfTagAsync(s.Ctx, repo, PagesRoutes.Value(http, "tag"), http.RequestAborted));
    }

    private static async Task<ArtifactTree?> ReadAsync(DashboardServices s, HttpContext http, Func<Task<(IReadOnlyList<Core.Models.ArtifactVersion>, string)>> source)
    {
        try
        {
            var (versions, owner) = await source();
            return await ArtifactTree.ReadAsync(new ArtifactStore(s.Ctx.Storage), versions, owner, http.RequestAborted);
        }
        catch (DstackException e)
        {
            await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, e.Message);
            return null;
        }
    }

    public static string Render(string pagePath, ArtifactTree tree)
    {
        var api = "/api" + pagePath;
        var html = new StringBuilder();
        html.Append($"<h1>Artifacts of {Html.E(tree.Owner)}</h1>");
        if (tree.Entries.Count == 0)
        {
            html.Append("<p>No artifacts.</p>");
            return html.ToString();
        }
        html.Append($"<p><a id=\"zip-all\" href=\"{Html.E(api + "/zip")}\">Download everything (zip)</a></p>");
        html.Append("<table><thead><tr><th>Path</th><th>Size</th><th></th></tr></thead><tbody id=\"artifacts\">");
        foreach (var file in tree.Files())
        {
            var depth = file.Path.Count(c => c == '/');
            var name = file.Path[(file.Path.LastIndexOf('/') + 1)..];
            var query = "?path=" + Uri.EscapeDataString(file.Path);
            var (size, link) = file.Kind switch
            {
                "dir" => ("", $"<a href=\"{Html.E(api + "/zip" + query)}\">zip</a>"),
                "link" => ("→ " + Html.E(file.Link), ""),
                _ => (Size.Format(file.Size), $"<a href=\"{Html.E(api + "/file" + query)}\">download</a>"),
            };
            html.Append($"<tr data-path=\"{Html.E(file.Path)}\"><td style=\"padding-left:{depth * 1.2 + .6:0.#}em\">{Html.E(name)}{(file.Kind == "dir" ? "/" : "")}</td>" +
                        $"<td>{size}</td><td>{link}</td></tr>");
        }
        html.Append("</tbody></table>");
        return html.ToString();
    }
}
