using System.Globalization;
using Dstack.Core.Compute;
using Dstack.Core.Local;

namespace Dstack.Cli;

/// <summary>
/// Which jobs' ports the CLIs of this machine forward now, so that <c>ps</c> can print the local URLs: one file per
/// forwarding CLI and job, <c>JOBKEY.PID.TICKS</c> (the CLI's pid and start time), a <c>REMOTE LOCAL</c> line per port.
/// A file whose CLI is gone (killed before it could remove it) counts for nothing, and is removed by the next reader.
/// </summary>
public sealed class PortForwardRecords(string folder)
{
    /// <summary>Records this process's forward of <paramref name="jobKey"/>; returns the file, for <see cref="Remove"/>.</summary>
    public string Add(string jobKey, IReadOnlyList<ForwardedPort> ports)
    {
        Directory.CreateDirectory(folder);
        var pid = Environment.ProcessId;
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{jobKey}.{pid}.{PosixProcess.StartTicks(pid) ?? 0}"));
        // Written aside and renamed, so that a reader never sees half of it (the aside name has a part too many: skipped).
        File.WriteAllText(path + ".new", string.Concat(ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Remote} {p.Local}\n"))));
        File.Move(path + ".new", path, overwrite: true);
        return path;
    }

    public static void Remove(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The ports of <paramref name="jobKey"/> that a live CLI forwards now, with its pid; empty when none does.</summary>
    public IReadOnlyList<(ForwardedPort Port, int Pid)> Find(string jobKey)
    {
        if (!Directory.Exists(folder)) return [];
        var found = new List<(ForwardedPort, int)>();
        foreach (var path in Directory.EnumerateFiles(folder, jobKey + ".*"))
        {
            var parts = Path.GetFileName(path)[(jobKey.Length + 1)..].Split('.');
            if (parts is not [var pidText, var ticksText]
                || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) continue;
            if (!PosixProcess.IsAlive(pid, ticks))
            {
                Remove(path);
                continue;
            }
            string text;
            try { text = File.ReadAllText(path); }
            catch (IOException) { continue; }  // removed just now: that CLI has detached
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (line.Split(' ') is [var remote, var local]
                    && int.TryParse(remote, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
                    && int.TryParse(local, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
                    found.Add((new ForwardedPort(r, l), pid));
        }
        return found;
    }
}
