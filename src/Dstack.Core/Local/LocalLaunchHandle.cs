using System.Globalization;

namespace Dstack.Core.Local;

/// <summary>
/// How <see cref="LocalCompute"/> knows its runner again: the machine, the pid and the pid's start time (so that a
/// reused pid is not taken for the runner). Stored as <c>HOST PID TICKS</c> in the launch's opaque handle.
/// </summary>
public sealed record LocalLaunchHandle(string Host, int Pid, long StartTicks)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Host} {Pid} {StartTicks}");

    /// <summary>Null for anything else (another compute's handle, one written by an older version).</summary>
    public static LocalLaunchHandle? Parse(string handle) =>
        handle.Split(' ') is [{ Length: > 0 } host, var pid, var ticks]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? new LocalLaunchHandle(host, p, t) : null;

    /// <summary>Whether it names a process of this machine, which is all that can be checked from here.</summary>
    public bool IsHere => Host == Environment.MachineName;
}
