using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>Looks at and signals processes the way a user would (<c>ps</c>, <c>kill</c>); a zombie counts as gone.</summary>
public static partial class Processes
{
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>The live processes in process group <paramref name="pgid"/>, per <c>ps -eo pid,pgid,stat</c>.</summary>
    public static IReadOnlyList<int> InGroup(int pgid) =>
        Run("ps", "-eo", "pid=,pgid=,stat=").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length >= 3 && cells[1] == pgid.ToString() && !cells[2].StartsWith('Z'))
            .Select(cells => int.Parse(cells[0]))
            .ToList();

    /// <summary>The command line of <paramref name="pid"/> as <c>ps -ww -eo pid,args</c> shows it; empty when it is gone.</summary>
    public static string CommandLine(int pid) =>
        Run("ps", "-ww", "-eo", "pid=,args=").Split('\n')
            .Select(line => line.TrimStart())
            .FirstOrDefault(line => line.StartsWith(pid + " ", StringComparison.Ordinal))?[(pid.ToString().Length + 1)..] ?? "";

    /// <summary>Sends a signal with <c>kill -SIG PID</c> (SIG as in <c>INT</c>, <c>KILL</c>).</summary>
    public static void Signal(int pid, string signal) => Run("kill", $"-{signal}", pid.ToString());

    public static Task WaitGoneAsync(int pid, string what) =>
        Eventually.TrueAsync(() => !IsAlive(pid), TimeSpan.FromSeconds(30), $"{what} (pid {pid}) to be gone");

    public static Task WaitGroupGoneAsync(int pgid, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(string.Join(",", InGroup(pgid))), pids => pids.Length == 0, TimeSpan.FromSeconds(30),
            $"every process of {what} (process group {pgid}) to be gone");

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }
}
