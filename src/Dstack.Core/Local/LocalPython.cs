using System.Text.RegularExpressions;
using Dstack.Core.Compute;

namespace Dstack.Core.Local;

/// <summary>The Python interpreters on this machine: <c>pythonX.Y</c> on PATH, and pyenv's versions.</summary>
public static partial class LocalPython
{
    public sealed record Interpreter(string Version, string Path);

    public static IReadOnlyList<Interpreter> FindAll()
    {
        var found = new List<Interpreter>();
        var pyenv = Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } root
            ? root : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var versions = System.IO.Path.Combine(pyenv, "versions");
        if (Directory.Exists(versions))
            foreach (var dir in Directory.EnumerateDirectories(versions))
                if (FullVersion().Match(System.IO.Path.GetFileName(dir)) is { Success: true } m
                    && File.Exists(System.IO.Path.Combine(dir, "bin", $"python{m.Groups[1].Value}")))
                    found.Add(new Interpreter(m.Value, System.IO.Path.Combine(dir, "bin", $"python{m.Groups[1].Value}")));
        // Shims are skipped: they answer only for the version pyenv has active.
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (dir.Contains("/shims", StringComparison.Ordinal) || !Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "python3.*"))
                if (ShortVersion().Match(System.IO.Path.GetFileName(file)) is { Success: true } m)
                    found.Add(new Interpreter(m.Groups[1].Value, file));
        }
        return found.DistinctBy(i => i.Version).ToList();
    }

    /// <summary>The interpreter for <c>3.X</c> (newest patch) or <c>3.X.Y</c> (exact); null when none.</summary>
    public static Interpreter? Find(string requested, IReadOnlyList<Interpreter> all) =>
        all.Where(i => SubmitCheck.PythonMatches(requested, i.Version))
           .OrderByDescending(i => new Version(i.Version)).FirstOrDefault();

    /// <summary>"3.9, 3.10, 3.11" — the versions a user can ask for.</summary>
    public static string Describe(IReadOnlyList<Interpreter> all) => SubmitCheck.DescribePythons(all.Select(i => i.Version));

    [GeneratedRegex(@"^(3\.\d+)\.\d+$")]
    private static partial Regex FullVersion();

    [GeneratedRegex(@"^python(3\.\d+)$")]
    private static partial Regex ShortVersion();
}
