using Dstack.Cli;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>Route values of the Artifacts, Tags and Secrets pages, checked before they become store keys, and the routes of their actions.</summary>
public static partial class PagesRoutes
{
    /// <summary>The route's <c>{owner}/{repo}</c>, or null when either part could name something outside the repo's keys.</summary>
    public static RepoRef? RepoOf(HttpContext http)
    {
        var owner = (string)http.Request.RouteValues["owner"]!;
        var repo = (string)http.Request.RouteValues["repo"]!;
        return IsPart(owner) && IsPart(repo) ? new RepoRef(owner, repo) : null;
    }

    public static string Value(HttpContext http, string name) => (string)http.Request.RouteValues[name]!;

    /// <summary><c>/owner/repo</c> with each part escaped, for links and API addresses.</summary>
    public static string RepoPath(string repo) => "/" + string.Join('/', repo.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Maps <c>POST /api/{kind}/{owner}/{repo}/{name}/{action}</c>, an action on one named thing of a repo, shaped as
    /// <see cref="ActionsApi"/> shapes a run's (the thing in the path, the CLI's verb last). Answers its sentence as
    /// JSON, or the refusal's: a bad repo or body 400, a <see cref="DstackException"/> 409. <paramref name="what"/>
    /// says what the body holds. The action finishes even if the page goes away.
    /// </summary>
    public static void MapAction<T>(WebApplication app, string kind, string action, JsonTypeInfo<T> bodyType, string what,
        Func<RepoRef, string, T, CancellationToken, Task<ActionResponse>> act) =>
        app.MapPost(ActionRoute(kind, action), http => ActAsync(http, bodyType, what, act));

    /// <summary>Like the other, for an action that takes no body.</summary>
    public static void MapAction(WebApplication app, string kind, string action, Func<RepoRef, string, CancellationToken, Task<ActionResponse>> act) =>
        app.MapPost(ActionRoute(kind, action), http => ActAsync(http, act));

    private static string ActionRoute(string kind, string action) => $"/api/{kind}/{{owner}}/{{repo}}/{{name}}/{action}";

    private static async Task ActAsync<T>(HttpContext http, JsonTypeInfo<T> bodyType, string what, Func<RepoRef, string, T, CancellationToken, Task<ActionResponse>> act)
    {
        T? body;
        try { body = await JsonSerializer.DeserializeAsync(http.Request.Body, bodyType, http.RequestAborted); }
        catch (JsonException) { body = default; }
        if (body is null)
        {
            await DashboardHttp.ErrorAsync(http, StatusCodes.Status400BadRequest, DashboardPagesException.BadBody(what).Message);
            return;
        }
        await ActAsync(http, (repo, name, ct) => act(repo, name, body, ct));
    }

    private static async Task ActAsync(HttpContext http, Func<RepoRef, string, CancellationToken, Task<ActionResponse>> act)
    {
        if (RepoOf(http) is not { } repo)
        {
            await DashboardHttp.ErrorAsync(http, StatusCodes.Status400BadRequest,
                DashboardPagesException.BadRepo(Value(http, "owner"), Value(http, "repo")).Message);
            return;
        }
        await DashboardHttp.AnswerAsync(http, act(repo, Value(http, "name"), CancellationToken.None));
    }

    private static bool IsPart(string part) => Part().IsMatch(part) && part is not ("." or "..");

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,200}$")]
    private static partial Regex Part();
}
