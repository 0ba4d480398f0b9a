using Dstack.Cli.Output;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli.Verbs;

public static class PsVerb
{
    private static readonly VerbOption All = new(["-a", "--all"], null, "All runs of this repo");

    public static readonly Verb Verb = new("ps", "List runs: unfinished ones, or else the latest", Run)
    {
        Usage = ["ps [-a] [RUN]"],
        About = "Without arguments: the unfinished runs of this repo, or else the latest one.\nWith RUN: only this run (exact name), with what it was built from.",
        Groups = Verb.OptionsGroup(All),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var all = reader.Flag(All);
        var positionals = reader.Positionals(1);
        var monitor = ctx.Monitor;
        if (positionals.Count == 1)
        {
            var view = await monitor.ViewAsync(await ctx.FindRunAsync(positionals[0], ct), ct);
            ctx.Out.Write(Render([RunSummary.Of(view)], ctx.Time.GetUtcNow()));
            ctx.Out.Write(Details(view));
            ctx.Out.Write(Nodes(view));
            ctx.Out.Write(await WhereAsync(ctx, view, ct));
            ctx.Out.Write(await LinksAsync(ctx, view, ct));
            return 0;
        }
        var lister = new RunLister(ctx.Storage, monitor, ctx.RunCacheFile(ctx.Repo.Repo), ctx.Skipped, ctx.Time,
            e => ctx.Recovered(RunLister.CheckpointNotWritten, e));
        var runs = all ? await lister.ListAsync(ctx.Repo.Repo, ct) : await lister.ListUnfinishedOrLatestAsync(ctx.Repo.Repo, ct);
        ctx.Out.Write(Render(runs, ctx.Time.GetUtcNow()));
        return 0;
    }

    public static string Render(IEnumerable<RunSummary> runs, DateTimeOffset now)
    {
        var table = new Table("RUN", "WORKFLOW", "SUBMITTED", "USER", "STATUS", "REASON");
        // Finished runs read from the cache share their state objects: each distinct state's words are made once.
        var statuses = new Dictionary<JobStatus, string>();
        var reasons = new Dictionary<JobState, string>(ReferenceEqualityComparer.Instance);
        foreach (var run in runs)
        {
            var state = run.State;
            if (!statuses.TryGetValue(state.Status, out var status)) statuses[state.Status] = status = StatusText.Format(state.Status);
            if (!reasons.TryGetValue(state, out var reason)) reasons[state] = reason = Reason(state);
            table.Add(run.RunName, run.WorkflowName ?? run.ProviderName, RelativeTime.Format(run.SubmittedAt, now), run.User ?? "", status, reason);
        }
        return table.ToString();
    }

    /// <summary>For a multi-node run: each node's rank, host, status and reason.</summary>
    private static string Nodes(RunView view)
    {
        if (view.Run.Jobs.Count < 2) return "";
        var table = new Table("NODE", "HOST", "STATUS", "REASON");
        for (var i = 0; i < view.Run.Jobs.Count; i++)
        {
            var state = view.Jobs[i];
            table.Add(view.Run.Jobs[i].Index.ToString(System.Globalization.CultureInfo.InvariantCulture), state.Host ?? "",
                StatusText.Format(state.Status), Reason(state));
        }
        return "\n" + table;
    }

    /// <summary>For one run: what it was built from and which runs or tags fed it.</summary>
    private static string Details(RunView view)
    {
        var run = view.Run;
        var sb = new System.Text.StringBuilder("\n");
        if (run.Code.IsGit)
            sb.Append($"Code:   {run.Code.Branch ?? "(detached)"} @ {run.Code.Commit?[..Math.Min(12, run.Code.Commit.Length)] ?? "(no commit)"}" +
                      $"{(run.Code.DiffBlob is null ? "" : " + uncommitted changes")}{(run.Code.UntrackedFiles > 0 ? $" + {run.Code.UntrackedFiles} untracked file(s)" : "")}\n");
        if (run.RestartOf is { } previous) sb.Append($"Restart of: {previous}\n");
        foreach (var dep in run.Deps)
            sb.Append($"Dep:    {(dep.Kind == Core.Models.DepSource.Tag ? "tag" : "workflow")} {dep.Name} <- run {dep.RunName ?? "(uploaded)"} in {dep.Repo}: " +
                      $"{string.Join(", ", dep.Artifacts.Select(a => a.Path))}\n");
        if (run.TagOnDone is { } tag)
            sb.Append($"Tag:    {tag} ({(!view.IsFinished ? "when done" : view.State.Status == JobStatus.Done ? "applied: the run ended done" : "not applied: the run did not end done")})\n");
        return sb.Length == 1 ? "" : sb.ToString();
    }

    /// <summary>
    /// For a run sent to a compute target: <c>Where:  lab/h1</c> per job (the host its runner reports), and its ports: on
    /// the host, and here while a CLI of this machine forwards them (else how to get a forward).
    /// </summary>
    private static async Task<string> WhereAsync(CliContext ctx, RunView view, CancellationToken ct)
    {
        var run = view.Run;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < run.Jobs.Count; i++)
        {
            var job = run.Jobs[i];
            if (await ctx.Runs.GetLaunchAsync(run.Repo, run.RunName, job.Index, ct) is not { } launch || launch.Compute == Core.Config.ComputeTarget.Local) continue;
            var beat = await ctx.Runs.GetHeartbeatAsync(run.Repo, run.RunName, job.Index, ct);
            var which = run.Jobs.Count > 1 ? $" (job {job.Index})" : "";
            sb.Append($"Where:  {launch.Compute}/{beat?.Host ?? "(starting)"}{which}\n");
            var state = view.Jobs[i];
            if (state.PortUrls.Count == 0 || state.Status.IsFinished()) continue;
            var forwarded = ctx.PortForwards.Find(JobKey.Of(run.Repo, run.RunName, job.Index));
            sb.Append(PortsLine(state, forwarded, run.RunName) + which + "\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// <c>Open:   http://127.0.0.1:8888/tree?token=…</c> for each running dev environment whose server answers: here through
    /// a forward of this machine's CLIs when there is one, else on the job's host (and how to reach it from here); then
    /// <c>Password: …</c> when its login page asks for one (code-server).
    /// </summary>
    private static async Task<string> LinksAsync(CliContext ctx, RunView view, CancellationToken ct)
    {
        var run = view.Run;
        var sb = new System.Text.StringBuilder();
        foreach (var (job, state) in ServerLinks.Serving(view))
        {
            var forwarded = ctx.PortForwards.Find(JobKey.Of(run.Repo, run.RunName, job))
                .FirstOrDefault(f => f.Port.Remote == state.Ports[0]);
            var remote = await ctx.Runs.GetLaunchAsync(run.Repo, run.RunName, job, ct) is { } launch
                         && ctx.Config.TargetNames.Contains(launch.Compute) && ctx.ComputeNamed(launch.Compute) is Core.Compute.IForwardsPorts forwarding
                         && forwarding.PortsOf(launch, state.Host) is { Route: Core.Compute.PortRoute.Forwarded };
            if (state.LinkAt(forwarded.Port?.LocalUrl ?? state.PortUrls.FirstOrDefault()) is not { } link) continue;
            sb.Append(forwarded.Port is null && remote
                ? $"Open:   {link} (on the host; `dstack attach {run.RunName}` forwards it here)\n"
                : $"Open:   {link}\n");
            if (state.Password is { } password) sb.Append($"Password: {password}\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// <c>Ports:  http://h1:8000 -> http://127.0.0.1:8000 (forwarded by dstack pid 42)</c>, or with no forward here, how to get one.
    /// </summary>
    public static string PortsLine(JobState state, IReadOnlyList<(Core.Compute.ForwardedPort Port, int Pid)> forwarded, string runName)
    {
        if (forwarded.Count == 0)
            return $"Ports:  {string.Join(" ", state.PortUrls)} (on the host; `dstack logs -a {runName}` forwards them here while it follows the run)";
        var local = state.Ports.Select((port, k) => forwarded.FirstOrDefault(f => f.Port.Remote == port) is { Port: { } f }
            ? $"{state.PortUrls[k]} -> {f.LocalUrl}" : state.PortUrls[k]);
        return $"Ports:  {string.Join(" ", local)} (forwarded by dstack pid {string.Join(",", forwarded.Select(f => f.Pid).Distinct())})";
    }

    public static string Reason(Core.Models.JobState state)
    {
        var parts = new List<string>();
        if (state.Status == Core.Models.JobStatus.Pending && state.Detail is { } waiting) parts.Add(waiting);
        else if (state.ReasonText is { Length: > 0 } reason) parts.Add(reason);
        if (!state.Status.IsFinished())
        {
            if (state.PortUrls.Count > 0) parts.Add(string.Join(" ", state.PortUrls));
            if (state.Note is { } note) parts.Add(note);
            if (state.Attempt > 1 && state.Status != Core.Models.JobStatus.Pending) parts.Add($"attempt {state.Attempt} after requeue");
            if (state.StoreUnreachableSince is { } since) parts.Add(RunMonitor.StoreUnreachable(since));
        }
        return string.Join("; ", parts);
    }
}
