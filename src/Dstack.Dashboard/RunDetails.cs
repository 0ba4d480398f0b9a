using Dstack.Cli;
using Dstack.Core.Models;
using Dstack.Cli.Output;
using Dstack.Cli.Verbs;
using Dstack.Core.Config;
using Dstack.Core.Runs;

namespace Dstack.Dashboard;

/// <summary>A run's row and jobs as <c>ps RUN</c> tells them: status and reason, where each job ran, its ports.</summary>
public static class RunDetails
{
    public static async Task<RunResponse> OfAsync(CliContext ctx, RunView view, CancellationToken ct)
    {
        var run = view.Run;
        var jobs = new List<JobRow>();
        for (var i = 0; i < run.Jobs.Count; i++)
        {
            var index = run.Jobs[i].Index;
            var state = view.Jobs[i];
            var launch = await ctx.Runs.GetLaunchAsync(run.Repo, run.RunName, index, ct);
            var where = launch is null || launch.Compute == ComputeTarget.Local
                ? $"{ComputeTarget.Local}{(state.Host is { } h ? "/" + h : "")}"
                : $"{launch.Compute}/{(await ctx.Runs.GetHeartbeatAsync(run.Repo, run.RunName, index, ct))?.Host ?? state.Host ?? "(starting)"}";
            jobs.Add(new JobRow(index, where, StatusText.Format(state.Status), PsVerb.Reason(state),
                state.Status.IsFinished() ? [] : state.PortUrls, state.Status.IsFinished()));
        }
        return new RunResponse(DashboardRuns.Row(run.Repo, RunSummary.Of(view)), jobs);
    }
}
