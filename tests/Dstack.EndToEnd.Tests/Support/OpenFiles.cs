using System.Diagnostics;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>The files a process has open, as <c>ls -l /proc/PID/fd</c> shows them.</summary>
public static class OpenFiles
{
    public static IReadOnlyList<string> Of(int pid)
    {
        var files = new List<string>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                try { if (new FileInfo(fd).LinkTarget is { } target) files.Add(target); }
                catch (IOException) { } // closed while we looked
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return files;
    }

    /// <summary>
    /// Waits until <paramref name="process"/> has <paramref name="file"/> open, polling closely (a read can be
    /// short); fails if the process ends first.
    /// </summary>
    public static async Task WaitUntilOpenAsync(LiveDstack process, string file)
    {
        var clock = Stopwatch.StartNew();
        while (!Of(process.Pid).Contains(file))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Description} ended before it was seen reading {file}:\n{process.StdErr}");
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"{process.Description} never opened {file}.");
            await Task.Delay(1);
        }
    }
}
