namespace Dstack.EndToEnd.Tests.Support;

public static partial class Processes
{
    /// <summary>Signals every process of a process group, as <c>kill -SIG -- -PGID</c> does.</summary>
    public static void SignalGroup(int pgid, string signal) => Run("kill", $"-{signal}", "--", $"-{pgid}");
}
