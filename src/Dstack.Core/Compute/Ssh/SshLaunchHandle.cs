using System.Globalization;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// How <see cref="SshCompute"/> knows its runner again: the host as the target names it, the runner's pid there and
/// the pid's start time (so that a reused pid is not taken for the runner). Stored as <c>HOST PID TICKS</c>.
/// </summary>
public sealed record SshLaunchHandle(string Host, int Pid, long StartTicks)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Host} {Pid} {StartTicks}");

    /// <summary>Null for anything else (another compute's handle, a malformed one).</summary>
    public static SshLaunchHandle? Parse(string handle) =>
        handle.Split(' ') is [{ Length: > 0 } host, var pid, var ticks]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 1
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? new SshLaunchHandle(host, p, t) : null;
}
