namespace Dstack.EndToEnd.Tests.Support;

public static partial class Processes
{
    /// <summary>
    /// The processes whose command line holds <paramref name="text"/> (a dev environment's server has its token there),
    /// this one aside.
    /// </summary>
    public static List<int> WithCommandLine(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone meanwhile
        }
        return found;
    }
}
