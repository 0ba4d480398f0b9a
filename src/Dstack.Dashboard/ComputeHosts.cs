using Dstack.Cli;
using Dstack.Cli.Verbs;

namespace Dstack.Dashboard;

/// <summary>
/// The hosts as <c>dstack hosts</c> last found them: probing SSH hosts and Slurm takes seconds, so a page load shows
/// the last answer (probing only the first time) and the page's Refresh probes again. One probe at a time.
/// </summary>
public sealed class ComputeHosts(CliContext ctx)
{
    private readonly SemaphoreSlim _probing = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<HostLine> Lines)? _last;

    public async Task<(DateTimeOffset At, IReadOnlyList<HostLine> Lines)> GetAsync(bool refresh, CancellationToken ct)
    {
        await _probing.WaitAsync(ct);
        try
        {
            if (_last is { } last && !refresh) return last;
            var lines = await HostsVerb.LinesAsync(ctx, only: null, ct);
            _last = (ctx.Time.GetUtcNow(), lines);
            return _last.Value;
        }
        finally
        {
            _probing.Release();
        }
    }
}
