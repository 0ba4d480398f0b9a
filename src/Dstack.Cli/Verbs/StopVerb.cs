using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli.Verbs;

public static class StopVerb
{
    private static readonly VerbOption Abort = new(["-x", "--abort"], null, "Kill at once");
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Do not ask for confirmation");
    private static readonly VerbOption All = new(["-a", "--all"], null, "All unfinished runs of this repo");

    public static readonly Verb Verb = new("stop", "Stop a run (or all runs of this repo)", Run)
    {
        Usage = ["stop [-x] [-y] (RUN | -a)"],
        About = "A graceful stop sends SIGTERM to the job's processes, waits for them, then kills what is left.",
        Groups = Verb.OptionsGroup(Abort, Yes, All),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var abort = reader.Flag(Abort);
        var yes = reader.Flag(Yes);
        var all = reader.Flag(All);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0 == !all)
            throw UsageException.RunOrAll("stop");
        var verb = abort ? "Abort" : "Stop";
        var runs = all
            ? (await ctx.Runs.ListAsync(ctx.Repo.Repo, ct)).ToList()
            : [await ctx.FindRunAsync(positionals[0], ct)];
        var targets = new List<RunView>();
        foreach (var run in runs)
        {
            try
            {
                if (await ctx.Monitor.ViewAsync(run, ct) is { IsFinished: false } view) targets.Add(view);
            }
            catch (Core.Storage.UnreadableRecordException e) when (all)
            {
                ctx.Skipped(e); // one broken run never keeps the others running
            }
        }
        if (targets.Count == 0)
        {
            ctx.Err.WriteLine(all ? "No unfinished runs." : $"The run '{runs[0].RunName}' has already finished.");
            return 0;
        }
        var question = all ? $"{verb} all runs ({targets.Count})?" : $"{verb} the run '{targets[0].Run.RunName}'?";
        if (!yes && !Prompt.Confirm(ctx, question)) return 1;
        foreach (var view in targets) await StopAsync(ctx, view.Run, abort, ct);
        foreach (var view in targets) await WaitFinishedAsync(ctx, view.Run, abort, ct);
        ctx.Err.WriteLine("OK");
        return 0;
    }

    public static async Task StopAsync(CliContext ctx, RunRecord run, bool abort, CancellationToken ct)
    {
        foreach (var job in run.Jobs)
            await ctx.Runs.RequestStopAsync(run.Repo, run.RunName, job.Index, new StopRequest(abort, ctx.Time.GetUtcNow()), ct);
        // A job a scheduler still queues has no runner to read the request: it is ended now (Slurm: scancel).
        await ctx.Monitor.EndQueuedAsync(run, ct);
    }

    /// <summary>
    /// Waits for the runner to finish the stop; a runner that does not react in time is ended, and the run marked lost.
    /// A job still running a second after SIGTERM gets one line that says how long this may take.
    /// </summary>
    public static async Task<RunView> WaitFinishedAsync(CliContext ctx, RunRecord run, bool abort, CancellationToken ct)
    {
        var start = ctx.Time.GetUtcNow();
        var deadline = start + (abort ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(30));
        var said = abort;
        var monitor = ctx.Monitor;
        while (true)
        {
            var view = await monitor.ViewAsync(run, ct);
            if (view.IsFinished) return view;
            if (!said && ctx.Time.GetUtcNow() - start >= TimeSpan.FromSeconds(1) && view.Jobs.Any(j => j.Status == JobStatus.Stopping))
            {
                var grace = Core.Runner.RunnerOptions.StopGraceFromEnvironment().TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
                ctx.Err.WriteLine($"Waiting up to {grace} s for {run.RunName} to exit after SIGTERM; `dstack stop -x {run.RunName}` aborts at once.");
                said = true;
            }
            if (ctx.Time.GetUtcNow() > deadline)
            {
                await monitor.KillRunnersAsync(run, ct, abort);
                deadline = DateTimeOffset.MaxValue;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), ctx.Time, ct);
        }
    }
}
