using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The stdout of a running process, line by line, each with the moment it arrived here: for measuring how
/// soon a reader shows what a job printed.
/// </summary>
public sealed class TimedLines : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<(string Line, DateTimeOffset At)> _lines = [];
    private readonly Task _pump;
    private readonly Task<string> _stderr;

    public TimedLines(Process process)
    {
        _process = process;
        _process.StandardInput.Close();
        _pump = PumpAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public IReadOnlyList<(string Line, DateTimeOffset At)> Lines { get { lock (_lines) return [.. _lines]; } }

    /// <summary>The first line that satisfies <paramref name="match"/>, once it arrived.</summary>
    public async Task<(string Line, DateTimeOffset At)> WaitForAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        await Eventually.TrueAsync(() => Lines.Any(l => match(l.Line)) || _process.HasExited, timeout, what);
        if (_process.HasExited) await _pump.WaitAsync(TimeSpan.FromSeconds(5)); // what was left in the pipe
        var found = Lines.FirstOrDefault(l => match(l.Line));
        return found.Line is not null ? found
            : throw new InvalidOperationException($"The process exited ({_process.ExitCode}) before {what}:\n{string.Join("\n", Lines.Select(l => l.Line))}\n{await _stderr}");
    }

    public async Task<CliResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _pump;
        return new CliResult(_process.ExitCode, string.Join("", Lines.Select(l => l.Line + "\n")), await _stderr);
    }

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var at = DateTimeOffset.UtcNow;
            lock (_lines) _lines.Add((line, at));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
