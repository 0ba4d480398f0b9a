using Dstack.Cli;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>Writing answers: JSON through the source-generated <see cref="DashboardJson"/>, HTML pages, never cached.</summary>
public static class DashboardHttp
{
    public static Task JsonAsync<T>(HttpContext http, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return System.Text.Json.JsonSerializer.SerializeAsync(http.Response.Body, value, type, http.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext http, int status, string error) =>
        JsonAsync(http, new ErrorResponse(error), DashboardJson.Default.ErrorResponse, status);

    public static Task HtmlAsync(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        // The pages run only their own inline script; nothing loads from elsewhere, nothing frames them.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return http.Response.WriteAsync(html, http.RequestAborted);
    }

    /// <summary>Answers an action: its sentence as JSON, or what the CLI's verb would refuse (a <see cref="Core.Errors.DstackException"/>) as 409.</summary>
    public static async Task AnswerAsync(HttpContext http, Task<ActionResponse> action)
    {
        ActionResponse done;
        try { done = await action; }
        catch (Core.Errors.DstackException e)
        {
            await ErrorAsync(http, StatusCodes.Status409Conflict, e.Message);
            return;
        }
        await JsonAsync(http, done, DashboardJson.Default.ActionResponse);
    }

    /// <summary>The route's repo (<c>{owner}/{repo}</c>) and run.</summary>
    public static (Core.Models.RepoRef Repo, string Run) RunOf(HttpContext http) =>
        (new Core.Models.RepoRef((string)http.Request.RouteValues["owner"]!, (string)http.Request.RouteValues["repo"]!), (string)http.Request.RouteValues["run"]!);
}
