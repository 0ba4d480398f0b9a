using Dstack.Cli;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The one gate every request passes. A visit with <c>?token=</c> (the printed URL) trades it for an HttpOnly,
/// SameSite=Strict session cookie and is redirected to the same address without the token; a request without a
/// valid cookie gets 401 and nothing else. A POST (an action) must also carry the session's CSRF token in
/// <see cref="CsrfHeader"/> and come from the dashboard's own origin (Origin and Sec-Fetch-Site, when the browser sends them).
/// </summary>
public sealed class DashboardAuth(DashboardSessions sessions)
{
    public const string Cookie = "dstack_dashboard";
    public const string CsrfHeader = "X-Dstack-Csrf";

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var request = http.Request;
        if (request.Query.TryGetValue("token", out var token))
        {
            if (!sessions.IsToken(token.ToString()))
            {
                await RefuseAsync(http, StatusCodes.Status401Unauthorized, "The token in this URL is not this dashboard's: open the URL `dstack dashboard` printed.");
                return;
            }
            http.Response.Cookies.Append(Cookie, sessions.Open(), new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true, Secure = request.IsHttps,
            });
            http.Response.Redirect(request.PathBase + request.Path + WithoutToken(request.Query), permanent: false);
            return;
        }
        var session = request.Cookies[Cookie];
        if (sessions.CsrfOf(session) is null)
        {
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, "Not signed in: open the URL `dstack dashboard` printed (it carries the access token).");
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !IsSameSite(request, session))
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, "Refused: an action must come from the dashboard's own pages.");
            return;
        }
        http.Items[Cookie] = session;
        await next(http);
    }

    /// <summary>The CSRF token of the request's session, for the page to send back with actions.</summary>
    public string CsrfOf(HttpContext http) => sessions.CsrfOf(http.Items[Cookie] as string) ?? "";

    private bool IsSameSite(HttpRequest request, string? session)
    {
        if (!sessions.IsCsrf(session, request.Headers[CsrfHeader].ToString())) return false;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin") return false;
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static string WithoutToken(IQueryCollection query)
    {
        var rest = query.Where(q => q.Key != "token").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}").ToList();
        return rest.Count == 0 ? "" : "?" + string.Join("&", rest);
    }

    /// <summary>A refusal says why in plain text and carries no data.</summary>
    private static Task RefuseAsync(HttpContext http, int status, string why)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(why + "\n", http.RequestAborted);
    }
}
