using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli;

/// <summary>
/// Prints a run's logs, and with <c>follow</c> keeps printing until the run ends. A second call for the same run
/// goes on where the first stopped (after a Ctrl+C), rather than printing everything again.
/// </summary>
/// <param name="node">With a multi-node run: only this node's logs (<c>logs --node K</c>); null for all of them, each line
/// prefixed with its node's rank and the nodes' lines interleaved in time order.</param>
public sealed class LogFollower(CliContext ctx, Stream output, int? node = null)
{
    private (string Run, List<LogReader> Readers)? _readers;

    /// <summary>
    /// A local folder is polled fast at first (a short job ends in milliseconds), then at a gentler pace, and watched
    /// meanwhile (a change ends the wait at once); a bucket, where every poll is a few requests, at 50 ms for the first
    /// 2 s (a short job's end is seen sooner), then never faster than the runner writes log chunks (about every 100 ms).
    /// </summary>
    private TimeSpan PollDelay(TimeSpan elapsed) =>
        ctx.Config.IsS3 ? (elapsed < TimeSpan.FromSeconds(2) ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(150))
        : elapsed < TimeSpan.FromSeconds(2) ? TimeSpan.FromMilliseconds(15)
        : elapsed < TimeSpan.FromSeconds(10) ? TimeSpan.FromMilliseconds(50)
        : TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// Returns the run's view when done (follow), or after one pass. With <paramref name="tail"/>, the first pass shows
    /// only each job's last lines.
    /// </summary>
    public async Task<RunView> RunAsync(RunRecord run, DateTimeOffset? since, bool follow, CancellationToken ct,
        Func<RunView, CancellationToken, Task>? onView = null, int? tail = null)
    {
        if (node is { } only && !run.Jobs.Any(j => j.Index == only)) throw LogsException.NoSuchNode(only, run.RunName, run.Jobs.Count);
        if (_readers?.Run != run.RunName)
            _readers = (run.RunName, run.Jobs.Where(j => node is null || j.Index == node)
                .Select(j => new LogReader(ctx.Storage, run.Repo, run.RunName, j.Index)).ToList());
        _prefixed = run.Jobs.Count > 1 && node is null;
        var readers = _readers.Value.Readers;
        var monitor = ctx.Monitor;
        var started = ctx.Time.GetUtcNow();
        var saidUnreachable = false;
        // Before the first read: whatever changes from then on ends the next wait.
        using var watch = follow ? ctx.WatchRun(run) : null;
        while (true)
        {
            var view = await monitor.ViewAsync(run, ct);
            if (onView is not null) await onView(view, ct);
            if (follow && !saidUnreachable && view.Jobs.Select(j => j.StoreUnreachableSince).Min() is { } unreachable)
            {
                ctx.Err.WriteLine($"dstack: {RunMonitor.StoreUnreachable(unreachable)}; the job goes on and its output will follow.");
                saidUnreachable = true;
            }
            // Not cancelled half-way: chunks read are printed, so a Ctrl+C neither loses nor repeats lines.
            await PrintNewAsync(readers, since, tail, CancellationToken.None);
            tail = null;
            if (!follow || view.IsFinished) return view;
            var delay = PollDelay(ctx.Time.GetUtcNow() - started);
            await (watch?.WaitAsync(delay, ctx.Time, ct) ?? Task.Delay(delay, ctx.Time, ct));
        }
    }

    private bool _prefixed;
    /// <summary>Per node: whether its next entry starts a line (then it gets the node's prefix).</summary>
    private readonly Dictionary<int, bool> _lineOpen = [];

    /// <summary>
    /// Prints as it reads, a window at a time: a log of any size costs no more memory than a chunk. Several nodes' logs
    /// are merged by time, a node's unfinished line completed before another's starts.
    /// </summary>
    private async Task PrintNewAsync(List<LogReader> readers, DateTimeOffset? since, int? tail, CancellationToken ct)
    {
        var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await using (writer)
        {
            var heads = new List<(int Node, IAsyncEnumerator<LogEntry> Entries)>();
            try
            {
                for (var k = 0; k < readers.Count; k++)
                {
                    var entries = (tail is { } lines ? readers[k].ReadTailAsync(lines, since, ct) : readers[k].ReadNewAsync(since, ct)).GetAsyncEnumerator(ct);
                    heads.Add((readers[k].Job, entries));
                    if (!await entries.MoveNextAsync()) await RemoveAsync(heads, heads.Count - 1);
                }
                int? open = null;
                while (heads.Count > 0)
                {
                    var next = open is { } o && heads.FindIndex(h => h.Node == o) is var same and >= 0 ? same
                        : heads.Select((h, i) => (h.Entries.Current.At, i)).Min().i;
                    var (node, entries) = heads[next];
                    var entry = entries.Current;
                    if (_prefixed && !_lineOpen.GetValueOrDefault(node)) writer.Write($"[node {node}] ");
                    writer.Write(entry.Text);
                    if (entry.EndsLine) writer.Write('\n');
                    _lineOpen[node] = !entry.EndsLine;
                    open = entry.EndsLine ? null : node;
                    if (!await entries.MoveNextAsync()) await RemoveAsync(heads, next);
                }
            }
            finally
            {
                foreach (var (_, entries) in heads) await entries.DisposeAsync();
            }
        }
    }

    private static async Task RemoveAsync(List<(int Node, IAsyncEnumerator<LogEntry> Entries)> heads, int at)
    {
        await heads[at].Entries.DisposeAsync();
        heads.RemoveAt(at);
    }
}
