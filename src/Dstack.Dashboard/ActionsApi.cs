using Dstack.Cli;
using Dstack.Cli.Verbs;
using Dstack.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// <c>POST /api/runs/{owner}/{repo}/{run}/{stop|abort|rm|restart}</c>, each through the code of the CLI's verb: stop and
/// abort write the store's stop request (the runner acts on it, as after <c>dstack stop</c>), rm removes a finished run
/// as <c>dstack rm</c>, restart submits it again as <c>dstack restart -d</c>. <see cref="DashboardAuth"/> has checked the
/// CSRF token and the origin before any of them runs.
/// </summary>
public static class ActionsApi
{
    public static void Map(WebApplication app, DashboardServices s)
    {
        Map(app, s, "stop", (view, ct) => StopAsync(s.Ctx, view, abort: false, ct));
        Map(app, s, "abort", (view, ct) => StopAsync(s.Ctx, view, abort: true, ct));
        Map(app, s, "rm", async (view, ct) =>
        {
            await RmVerb.RemoveFinishedAsync(s.Ctx, view, ct);
            return new ActionResponse($"Removed {view.Run.RunName}.", view.Run.RunName);
        });
        Map(app, s, "restart", async (view, ct) =>
        {
            var ctx = s.Ctx;
            var run = await new RunSubmitter(ctx.Storage, ctx.Compute, ctx.Time, ctx.Home.Root).RestartAsync(view.Run, ct);
            return new ActionResponse($"Restarted {view.Run.RunName} as {run.RunName}.", run.RunName, RunPage.Href(run.Repo.Id, run.RunName));
        });
    }

    private static async Task<ActionResponse> StopAsync(CliContext ctx, RunView view, bool abort, CancellationToken ct)
    {
        if (view.IsFinished) throw DashboardException.AlreadyFinished(view.Run.RunName);
        await StopVerb.StopAsync(ctx, view.Run, abort, ct);
        return new ActionResponse($"{(abort ? "Abort" : "Stop")} requested for {view.Run.RunName}.", view.Run.RunName);
    }

    private static void Map(WebApplication app, DashboardServices s, string action, Func<RunView, CancellationToken, Task<ActionResponse>> act) =>
        app.MapPost($"/api/runs/{{owner}}/{{repo}}/{{run}}/{action}", async http =>
        {
            var (repo, name) = DashboardHttp.RunOf(http);
            // The action is done even when the page that asked goes away meanwhile.
            var ct = CancellationToken.None;
            if (await s.Runs.ViewAsync(repo, name, ct) is not { } view)
            {
                await DashboardHttp.ErrorAsync(http, StatusCodes.Status404NotFound, DashboardException.NoSuchRun(repo.Id, name).Message);
                return;
            }
            await DashboardHttp.AnswerAsync(http, act(view, ct));
        });
}
