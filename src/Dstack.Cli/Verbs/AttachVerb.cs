using Dstack.Core.Models;

namespace Dstack.Cli.Verbs;

/// <summary>
/// <c>dstack attach RUN</c>: for a run started with <c>-d</c> or from another terminal, forwards its jobs' ports here
/// (when they run on another host) and prints its dev environment's link once its server answers; keeps the forwards
/// open until the run ends or Ctrl+C. The logs stay with <c>dstack logs -a</c>.
/// </summary>
public static class AttachVerb
{
    /// <summary>How often the run's state is read while waiting for its server and for its end.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static readonly Verb Verb = new("attach", "Forward a run's ports here and print its link", Run)
    {
        Usage = ["attach RUN"],
        About = "For a run started with -d or from another terminal: forwards the ports of a job on another host here, and\n" +
                "prints the link of a dev environment (code, lab, notebook) once its server answers. The forwards stay open\n" +
                "until the run ends or Ctrl+C (the run goes on). `dstack logs -a RUN` follows the logs as well.",
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw UsageException.AttachNeedsRun();
        var run = await ctx.FindRunAsync(positionals[0], ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        await using var forwards = new JobPortForwards(ctx, run);
        var shown = new HashSet<ServerLink>();
        var first = true;
        try
        {
            while (true)
            {
                var view = await ctx.Monitor.ViewAsync(run, cts.Token);
                if (view.IsFinished)
                {
                    if (first) throw LogsException.AttachToEnded(run.RunName, view.State.Status.ToWire());
                    ctx.Err.WriteLine($"Run {run.RunName} {view.State.Status.ToWire()}; the forwards are closed.");
                    return 0;
                }
                if (first) ctx.Err.WriteLine(Output.Ansi.Grey($"Attached to {run.RunName}. To detach, press Ctrl+C (the run goes on)."));
                first = false;
                foreach (var line in await forwards.UpdateAsync(view, cts.Token)) ctx.Err.WriteLine(Output.Ansi.Grey(line));
                foreach (var link in ServerLinks.Of(run, view, forwards))
                    if (shown.Add(link))
                        foreach (var line in link.Lines()) ctx.Out.WriteLine(line);
                // Nothing to hold open for a run on this machine: its link is all there is to say.
                if (shown.Count > 0 && !forwards.Forwarding) return 0;
                await Task.Delay(Poll, ctx.Time, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return 130;
        }
    }
}
