using Dstack.Cli;
using System.Text;
using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Secrets;
using Dstack.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Secrets page (<c>/secrets</c>) and its API: <c>GET /api/secrets</c> (names and dates of every repo's secrets),
/// and, shaped as a run's actions, <c>POST /api/secrets/{owner}/{repo}/{name}/add</c> (add or update, the value in the
/// body, as <c>dstack secrets add -y</c>/<c>update</c>) and <c>POST /api/secrets/{owner}/{repo}/{name}/delete</c>. No
/// page or answer ever carries a value: the rows are built from names and dates alone.
/// </summary>
public static class SecretsPage
{
    private const string SecretBody = "{\"value\": VALUE}";

    /// <summary>The address of an action on a secret: <c>/api/secrets/{owner}/{repo}/{name}/{action}</c>.</summary>
    public static string ActionHref(string repo, string name, string action) => $"/api/secrets{PagesRoutes.RepoPath(repo)}/{Uri.EscapeDataString(name)}/{action}";

    public static void Map(WebApplication app, DashboardServices s)
    {
        app.MapGet("/api/secrets", async http => await DashboardHttp.JsonAsync(http, await ListAsync(s, http.RequestAborted), DashboardPagesJson.Default.SecretsResponse));
        app.MapGet("/secrets", async http =>
            await DashboardHttp.HtmlAsync(http, Html.Page("Secrets", s.Auth.CsrfOf(http), Render(await ListAsync(s, http.RequestAborted)), PagesScripts.Secrets)));
        PagesRoutes.MapAction(app, "secrets", "add", DashboardPagesJson.Default.SecretRequest, SecretBody, (repo, name, body, ct) => PutAsync(s, repo, name, body, ct));
        PagesRoutes.MapAction(app, "secrets", "delete", (repo, name, ct) => DeleteAsync(s, repo, name, ct));
    }

    /// <summary>Adds or updates, as <c>dstack secrets add -y</c> / <c>update</c> do; the answer names the secret, never its value.</summary>
    private static async Task<ActionResponse> PutAsync(DashboardServices s, RepoRef repo, string secret, SecretRequest body, CancellationToken ct)
    {
        var name = SecretName.Validate(secret);
        if (body.Value is null) throw DashboardPagesException.BadBody(SecretBody);
        var store = new SecretStore(s.Ctx.Storage);
        var existing = await store.GetAsync(repo, name, ct);
        await SecretsVerb.PutAsync(store, repo, name, body.Value, existing, s.Ctx.Time, ct);
        return new ActionResponse($"{(existing is null ? "Added" : "Updated")} the secret {name} of {repo.Id}.");
    }

    private static async Task<ActionResponse> DeleteAsync(DashboardServices s, RepoRef repo, string secret, CancellationToken ct)
    {
        var name = SecretName.Validate(secret);
        var store = new SecretStore(s.Ctx.Storage);
        if (await store.GetAsync(repo, name, ct) is null) throw SecretException.NotFound(name, repo);
        await store.DeleteAsync(repo, name, ct);
        return new ActionResponse($"Deleted the secret {name} of {repo.Id}.");
    }

    public static async Task<SecretsResponse> ListAsync(DashboardServices s, CancellationToken ct)
    {
        var repos = (await s.Runs.ReposAsync(ct)).Concat(await SecretReposAsync(s.Ctx.Storage, ct)).Distinct().OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var store = new SecretStore(s.Ctx.Storage);
        var rows = new List<SecretRow>();
        foreach (var repo in repos)
            foreach (var secret in await store.ListAsync(repo, ct))
                rows.Add(new SecretRow(repo.Id, secret.Name, secret.CreatedAt, secret.UpdatedAt));
        return new SecretsResponse(rows, repos.Select(r => r.Id).ToList());
    }

    /// <summary>Repos with secrets, which may have no runs or tags yet (<c>secrets/OWNER/NAME/</c>).</summary>
    private static async Task<IReadOnlyList<RepoRef>> SecretReposAsync(IStorage storage, CancellationToken ct)
    {
        var repos = new List<RepoRef>();
        await foreach (var owner in storage.ListChildrenAsync(StoreKeys.PrivatePrefix, ct))
        {
            if (!owner.EndsWith('/')) continue;
            await foreach (var name in storage.ListChildrenAsync(StoreKeys.PrivatePrefix + owner, ct))
                if (name.EndsWith('/')) repos.Add(new RepoRef(owner.TrimEnd('/'), name.TrimEnd('/')));
        }
        return repos;
    }

    public static string Render(SecretsResponse secrets)
    {
        var html = new StringBuilder("<h1>Secrets</h1><p>Every job of a repo gets its secrets as environment variables. Values are never shown.</p>" +
                                     "<table><thead><tr><th>Name</th><th>Repo</th><th>Created</th><th>Updated</th><th></th></tr></thead><tbody id=\"secrets\">");
        foreach (var secret in secrets.Secrets)
        {
            var delete = ActionHref(secret.Repo, secret.Name, "delete");
            html.Append($"<tr data-secret=\"{Html.E(secret.Name)}\"><td>{Html.E(secret.Name)}</td><td>{Html.E(secret.Repo)}</td>" +
                        $"<td>{secret.Created.UtcDateTime:yyyy-MM-dd HH:mm} UTC</td><td>{secret.Updated.UtcDateTime:yyyy-MM-dd HH:mm} UTC</td>" +
                        $"<td><button data-post=\"{Html.E(delete)}\" data-question=\"{Html.E($"Delete the secret {secret.Name} of {secret.Repo}?")}\">Delete</button></td></tr>");
        }
        html.Append("</tbody></table><h2>Add or update</h2><form id=\"add\" autocomplete=\"off\"><datalist id=\"repos\">");
        foreach (var repo in secrets.Repos) html.Append($"<option value=\"{Html.E(repo)}\">");
        html.Append("</datalist><label>Repo <input name=\"repo\" list=\"repos\" required></label> <label>Name <input name=\"name\" required></label> " +
                    "<label>Value <input name=\"value\" type=\"password\" autocomplete=\"new-password\"></label> <button>Save</button></form><p id=\"message\"></p>");
        return html.ToString();
    }
}
