using System.Globalization;
using System.Runtime.InteropServices;

namespace Dstack.Core.Local;

/// <summary>The few POSIX process calls .NET lacks: signals to process groups, and telling a live pid from a reused one.</summary>
public static partial class PosixProcess
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    /// <summary>Signals every process in the group led by <paramref name="pgid"/>; false when none is left.</summary>
    public static bool SignalGroup(int pgid, int signal) => pgid > 1 && Kill(-pgid, signal) == 0;

    public static bool Signal(int pid, int signal) => pid > 1 && Kill(pid, signal) == 0;

    /// <summary>The kernel's start time of a process (clock ticks since boot), or null when it does not exist.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (rest[0] == "Z") return null; // a zombie has finished
            return long.Parse(rest[19], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>True when the process that was started with <paramref name="startTicks"/> still runs (pid reuse aware).</summary>
    public static bool IsAlive(int pid, long startTicks) => StartTicks(pid) is { } ticks && ticks == startTicks;

    /// <summary>True while any process is left in the group.</summary>
    public static bool GroupExists(int pgid) => pgid > 1 && Kill(-pgid, 0) == 0;
}
