using Dstack.Cli.Verbs;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli;

/// <summary>
/// Follows a run's logs in the terminal, forwarding the ports of a job on another host here meanwhile. Ctrl+C asks
/// whether to stop the run: yes stops it (a second Ctrl+C aborts) and keeps following until it ends; no detaches and
/// says how to re-attach.
/// </summary>
public sealed class RunAttachment(CliContext ctx, RunRecord run)
{
    private string? _announced;
    private readonly HashSet<ServerLink> _linksShown = [];
    private readonly JobPortForwards _forwards = new(ctx, run);

    /// <summary>
    /// Says, once each, why the run waits and where its ports are: here, or forwarded here from the job's host while
    /// this CLI follows the run.
    /// </summary>
    private async Task AnnounceAsync(RunView view, CancellationToken ct)
    {
        foreach (var forwarded in await _forwards.UpdateAsync(view, ct)) ctx.Err.WriteLine(Output.Ansi.Grey(forwarded));
        foreach (var link in ServerLinks.Of(run, view, _forwards))
            if (_linksShown.Add(link))
                foreach (var shown in link.Lines()) ctx.Err.WriteLine(shown);
        var state = view.State;
        var line = state.Status switch
        {
            JobStatus.Pending when state.Detail is { } why => $"Pending: {why}",
            JobStatus.Running when state.PortUrls.Count > 0 && !_forwards.Forwarding => "Ports: " + string.Join(" ", state.PortUrls),
            _ => null,
        };
        if (line is null || line == _announced) return;
        _announced = line;
        ctx.Err.WriteLine(Output.Ansi.Grey(line));
    }

    /// <summary>The run's final view, or null when the user detached.</summary>
    public async Task<RunView?> FollowAsync(CancellationToken ct)
    {
        var follower = new LogFollower(ctx, ctx.Output.OutBytes);
        var interrupts = 0;
        CancellationTokenSource current = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Interlocked.Increment(ref interrupts);
            current.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var stopping = false;
            while (true)
            {
                try
                {
                    return await follower.RunAsync(run, since: null, follow: true, current.Token, AnnounceAsync);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    current = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    if (stopping)
                    {
                        ctx.Err.WriteLine($"\nAborting {run.RunName}...");
                        await StopVerb.StopAsync(ctx, run, abort: true, ct);
                        continue;
                    }
                    ctx.Err.WriteLine();
                    if (!Prompt.Confirm(ctx, $"Stop the run '{run.RunName}'?"))
                    {
                        ctx.Err.WriteLine($"Detached; the run goes on. Re-attach with: dstack logs -a {run.RunName}");
                        return null;
                    }
                    stopping = true;
                    ctx.Err.WriteLine($"Stopping {run.RunName}... (Ctrl+C again to abort)");
                    await StopVerb.StopAsync(ctx, run, abort: false, ct);
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            await _forwards.DisposeAsync();
        }
    }
}
