using Dstack.Cli;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// <c>GET /api/runs/{owner}/{repo}/{run}/log?job=J</c>: the end of job J's log; with <c>&amp;after=SEQ</c> what came after
/// chunk SEQ (the page polls it to follow), with <c>&amp;entry=E</c> from entry E of chunk SEQ on (where the last window
/// stopped); with <c>&amp;before=SEQ&amp;entry=E</c> older lines, before entry E of chunk SEQ (<see cref="LogWindow"/>).
/// </summary>
public static class LogApi
{
    public static void Map(WebApplication app, DashboardServices s)
    {
        var window = new LogWindow(s.Ctx.Storage);
        app.MapGet("/api/runs/{owner}/{repo}/{run}/log", async http =>
        {
            var (repo, name) = DashboardHttp.RunOf(http);
            var query = http.Request.Query;
            if (!Core.Runs.RunName.IsValid(name) || !TryNumber(query["job"], 0, out var job) || job is < 0 or > int.MaxValue
                || !TryNumber(query["after"], -2, out var after) || !TryNumber(query["before"], -2, out var before)
                || !TryNumber(query["entry"], -1, out var entry) || entry > int.MaxValue)
            {
                await DashboardHttp.ErrorAsync(http, StatusCodes.Status400BadRequest, "Give job, after, before and entry as numbers.");
                return;
            }
            var ct = http.RequestAborted;
            var result = after >= -1 ? await window.AfterAsync(repo, name, (int)job, after, (int)entry, ct)
                : before >= 0 ? await window.BeforeAsync(repo, name, (int)job, before, (int)Math.Max(0, entry), ct)
                : await window.TailAsync(repo, name, (int)job, ct);
            await DashboardHttp.JsonAsync(http, result, DashboardJson.Default.LogWindowResponse);
        });
    }

    /// <summary>An absent value reads as <paramref name="absent"/>; -1 is allowed (after=-1: from the start).</summary>
    private static bool TryNumber(Microsoft.Extensions.Primitives.StringValues value, long absent, out long number)
    {
        number = absent;
        return value.Count == 0 || long.TryParse(value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) && number >= -1;
    }
}
