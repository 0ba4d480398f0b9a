namespace Dstack.Cli.Output;

/// <summary>
/// A one-line progress bar on stderr for work that takes a while: only on a terminal, and only once the work
/// has taken over a second (quick work stays quiet). Redraws at most ten times a second.
/// </summary>
public sealed class ProgressBar(string label, long total, TextWriter err, TimeProvider time, Func<long, string>? format = null)
{
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(1);
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly long _started = time.GetTimestamp();
    private readonly Func<long, string> _format = format ?? Size.Format;
    private long _done;
    private long _lastDraw = long.MinValue / 2;
    private bool _drawn;

    public void Add(long amount)
    {
        var done = Interlocked.Add(ref _done, amount);
        if (!_terminal) return;
        var elapsed = time.GetElapsedTime(_started);
        if (elapsed < QuietFor) return;
        var now = (long)elapsed.TotalMilliseconds;
        if (now - Interlocked.Read(ref _lastDraw) < 100 && done < total) return;
        Interlocked.Exchange(ref _lastDraw, now);
        var fraction = total == 0 ? 1 : Math.Min(1, (double)done / total);
        var filled = (int)(fraction * 30);
        lock (err)
        {
            _drawn = true;
            err.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0} {_format(done)}/{_format(total)}");
        }
    }

    public void Finish()
    {
        lock (err) if (_drawn) err.WriteLine();
    }
}
