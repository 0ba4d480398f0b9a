using System.Diagnostics;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A <c>dstack</c> process the test talks to while it runs: its output is collected as it comes (prompts
/// without a newline included), it can be interrupted like Ctrl+C does, and answered on stdin.
/// </summary>
public sealed class LiveDstack : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _pumps;

    public LiveDstack(Process process, string description)
    {
        _process = process;
        Description = description;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, _stdout), PumpAsync(process.StandardError, _stderr));
    }

    public string Description { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }
    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    public Task WaitForStdOutAsync(string text, TimeSpan? timeout = null) => WaitForAsync(() => StdOut, text, "stdout", timeout);

    public Task WaitForStdErrAsync(string text, TimeSpan? timeout = null) => WaitForAsync(() => StdErr, text, "stderr", timeout);

    /// <summary>The run named by the "NAME submitted." line on stderr, once it is there.</summary>
    public async Task<string> SubmittedRunAsync()
    {
        await WaitForStdErrAsync(" submitted.");
        return CliResult.FindSubmittedRun(StdErr) ?? throw new InvalidOperationException($"No 'submitted' line on the stderr of {Description}:\n{StdErr}");
    }

    /// <summary>What Ctrl+C in a terminal does to the process: SIGINT.</summary>
    public void Interrupt() => Processes.Signal(Pid, "INT");

    public async Task AnswerAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    public async Task<CliResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Description} did not exit in time.\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}");
        }
        await _pumps;
        return new CliResult(_process.ExitCode, StdOut, StdErr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitForAsync(Func<string> read, string text, string stream, TimeSpan? timeout)
    {
        await Eventually.ReturnsAsync(() => Task.FromResult(read()), s => s.Contains(text, StringComparison.Ordinal) || _process.HasExited,
            timeout ?? TimeSpan.FromSeconds(30), $"'{text}' on the {stream} of {Description}");
        await Task.Yield();
        if (!read().Contains(text, StringComparison.Ordinal))
        {
            await _pumps.WaitAsync(TimeSpan.FromSeconds(5)); // the process ended: take what was left in the pipes
            if (!read().Contains(text, StringComparison.Ordinal))
                throw new InvalidOperationException($"{Description} exited ({_process.ExitCode}) without printing '{text}' on {stream}.\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}");
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, read);
    }
}
