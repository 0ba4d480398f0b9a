using System.Diagnostics;

namespace Dstack.Core.Diagnostics;

/// <summary>
/// With <c>DSTACK_TRACE=1</c>, prints how long each stage of a command took since the process started,
/// to stderr: the tool for keeping start-up and submit paths fast.
/// </summary>
public static class StageTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("DSTACK_TRACE") == "1";

    public static void Mark(string stage)
    {
        if (!Enabled) return;
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.Error.WriteLine($"[{sinceStart.TotalMilliseconds,7:F1} ms] {Environment.ProcessId} {stage}");
    }
}
