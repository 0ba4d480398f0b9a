namespace Dstack.Cli.Output;

/// <summary>
/// A one-line progress bar on stderr for long transfers; only on a terminal and only for transfers large
/// enough to notice. Redraws at most ten times a second.
/// </summary>
public sealed class ProgressBar(string label, long total, TextWriter err)
{
    private const long Worth = 8L << 20;
    private readonly bool _enabled = total >= Worth && !Console.IsErrorRedirected;
    private long _done;
    private long _lastDraw;

    public void Add(long bytes)
    {
        var done = Interlocked.Add(ref _done, bytes);
        if (!_enabled) return;
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastDraw) < 100 && done < total) return;
        Interlocked.Exchange(ref _lastDraw, now);
        var fraction = total == 0 ? 1 : (double)done / total;
        var filled = (int)(fraction * 30);
        lock (err) err.Write($"\r{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0} {Size.Format(done)}/{Size.Format(total)}");
    }

    public void Finish()
    {
        if (_enabled) lock (err) err.WriteLine();
    }
}
