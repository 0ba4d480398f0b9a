using Dstack.Cli;
using Dstack.Cli.Output;
using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;

namespace Dstack.Dashboard;

/// <summary>
/// The runs of every repo in the store, read as <c>ps -a</c> reads them (<see cref="RunLister"/>, with this machine's
/// cache of finished runs), so that the dashboard and the CLI always agree.
/// </summary>
public sealed class DashboardRuns(CliContext ctx)
{
    // The lister rewrites this machine's cache files: one listing at a time, whatever the number of open pages.
    private readonly SemaphoreSlim _listing = new(1, 1);

    /// <summary>Every repo the store has runs or tags for (<c>repos/OWNER/NAME/</c>).</summary>
    public async Task<IReadOnlyList<RepoRef>> ReposAsync(CancellationToken ct)
    {
        var repos = new List<RepoRef>();
        await foreach (var owner in ctx.Storage.ListChildrenAsync(StoreKeys.ReposPrefix, ct))
        {
            if (!owner.EndsWith('/')) continue;
            await foreach (var name in ctx.Storage.ListChildrenAsync(StoreKeys.ReposPrefix + owner, ct))
                if (name.EndsWith('/')) repos.Add(new RepoRef(owner.TrimEnd('/'), name.TrimEnd('/')));
        }
        return repos;
    }

    /// <summary>Every run, newest first.</summary>
    public async Task<IReadOnlyList<RunRow>> ListAsync(CancellationToken ct)
    {
        await _listing.WaitAsync(ct);
        try
        {
            var rows = new List<RunRow>();
            var monitor = ctx.Monitor;
            foreach (var repo in await ReposAsync(ct))
                foreach (var run in await new RunLister(ctx.Storage, monitor, ctx.RunCacheFile(repo), ctx.Skipped).ListAsync(repo, ct))
                    rows.Add(Row(repo, run));
            rows.Sort((a, b) => b.Submitted.CompareTo(a.Submitted));
            return rows;
        }
        finally
        {
            _listing.Release();
        }
    }

    public async Task<RunsResponse> PageAsync(RunFilter filter, CancellationToken ct)
    {
        var matching = (await ListAsync(ct)).Where(filter.Matches).ToList();
        var pages = Math.Max(1, (matching.Count + RunFilter.PageSize - 1) / RunFilter.PageSize);
        var page = Math.Min(filter.Page, pages);
        return new RunsResponse(matching.Skip((page - 1) * RunFilter.PageSize).Take(RunFilter.PageSize).ToList(), page, pages, matching.Count);
    }

    /// <summary>The run and its live state; null when the repo has no such run.</summary>
    public async Task<RunView?> ViewAsync(RepoRef repo, string run, CancellationToken ct)
    {
        if (!RunName.IsValid(run)) return null;
        return await ctx.Runs.GetAsync(repo, run, ct) is { } record ? await ctx.Monitor.ViewAsync(record, ct) : null;
    }

    public static RunRow Row(RepoRef repo, RunSummary run)
    {
        var state = run.State;
        return new RunRow(repo.Id, run.RunName, run.WorkflowName, run.ProviderName, run.SubmittedAt, run.User,
            StatusText.Format(state.Status), PsVerb.Reason(state), run.IsFinished);
    }
}
