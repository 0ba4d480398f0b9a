using Dstack.Core.Compute;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli;

/// <summary>
/// While a CLI follows a run: each job that runs with ports on a host elsewhere (a compute that <see cref="IForwardsPorts"/>)
/// gets its ports forwarded to this machine once, recorded for <c>ps</c> (<see cref="PortForwardRecords"/>); disposing
/// closes them all. A forward that cannot be opened is a note: the job goes on.
/// </summary>
public sealed class JobPortForwards(CliContext ctx, RunRecord run) : IAsyncDisposable
{
    private readonly Dictionary<int, (IPortForward Forward, string Record)> _open = [];
    private readonly HashSet<int> _seen = [];

    /// <summary>Whether some job of the run is on a forwarding compute (its URLs here are the forwards', not the host's).</summary>
    public bool Forwarding { get; private set; }

    /// <summary>Opens the forwards of jobs that now run with ports; returns the lines that say where they are.</summary>
    public async Task<IReadOnlyList<string>> UpdateAsync(RunView view, CancellationToken ct)
    {
        var lines = new List<string>();
        for (var i = 0; i < view.Jobs.Count; i++)
        {
            var state = view.Jobs[i];
            var index = run.Jobs[i].Index;
            if (state.Status != JobStatus.Running || state.Ports.Count == 0 || _seen.Contains(index)) continue;
            if (await ctx.Runs.GetLaunchAsync(run.Repo, run.RunName, index, ct) is not { } launch) continue;
            _seen.Add(index);
            if (!ctx.Config.TargetNames.Contains(launch.Compute) || ctx.ComputeNamed(launch.Compute) is not IForwardsPorts compute) continue;
            // A host reached from here as it is (a Slurm node seen from its login node) needs no forward.
            if (compute.PortsOf(launch, state.Host) is not { Route: PortRoute.Forwarded } onHost) continue;
            Forwarding = true;
            try
            {
                var forward = await compute.ForwardAsync(launch, state.Host, state.Ports, ct);
                _open[index] = (forward, ctx.PortForwards.Add(JobKey.Of(run.Repo, run.RunName, index), forward.Ports));
                lines.Add(Line(forward.Ports, onHost, view.Jobs.Count > 1 ? index : null));
            }
            catch (DstackException e) { lines.Add(e.Message); }
            catch (OperationCanceledException)
            {
                _seen.Remove(index);  // a Ctrl+C while it opened: the next view tries again
                throw;
            }
        }
        return lines;
    }

    /// <summary>Where this CLI forwards <paramref name="remotePort"/> of job <paramref name="index"/> here, or null.</summary>
    public string? LocalUrl(int index, int remotePort) =>
        _open.TryGetValue(index, out var open) ? open.Forward.Ports.FirstOrDefault(p => p.Remote == remotePort)?.LocalUrl : null;

    /// <summary><c>Ports: http://127.0.0.1:8000 (forwarded from h1:8000)</c>.</summary>
    public static string Line(IReadOnlyList<ForwardedPort> ports, PortAccess? onHost, int? job) =>
        "Ports: " + string.Join(" ", ports.Select(p => p.LocalUrl))
        + $" (forwarded from {onHost?.JobHostname ?? "the host"}:{string.Join(",", ports.Select(p => p.Remote))}{(job is { } j ? $", job {j}" : "")})";

    public async ValueTask DisposeAsync()
    {
        foreach (var (forward, record) in _open.Values)
        {
            PortForwardRecords.Remove(record);
            await forward.DisposeAsync();
        }
        _open.Clear();
    }
}
