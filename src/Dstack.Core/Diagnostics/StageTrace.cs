using System.Diagnostics;

namespace Dstack.Core.Diagnostics;

/// <summary>
/// With <c>DSTACK_TRACE=1</c>, prints how long each stage of a command took since the process started,
/// to stderr: the tool for keeping start-up and submit paths fast. The wall-clock time lines up a runner's stages
/// (on this machine or an SSH host, whose runner gets <c>DSTACK_TRACE</c> too) with the CLI's.
/// </summary>
public static class StageTrace
{
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("DSTACK_TRACE") == "1";

    public static void Mark(string stage)
    {
        if (!Enabled) return;
        var now = DateTime.Now;
        var sinceStart = now - Process.GetCurrentProcess().StartTime;
        Console.Error.WriteLine($"[{sinceStart.TotalMilliseconds,7:F1} ms {now:HH:mm:ss.fff}] {Environment.ProcessId} {stage}");
    }
}
