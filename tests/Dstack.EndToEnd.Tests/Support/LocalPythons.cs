using System.Text.RegularExpressions;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// The Python versions a user of this machine can ask for with <c>python: 3.X</c>: pyenv's versions
/// (<c>$PYENV_ROOT</c> or <c>~/.pyenv</c>) and <c>python3.X</c> on <c>PATH</c> (pyenv shims aside).
/// </summary>
public static partial class LocalPythons
{
    /// <summary>"3.X" versions, oldest first.</summary>
    public static IReadOnlyList<string> Versions()
    {
        var found = new List<string>();
        var pyenv = Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } root
            ? root : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var versions = Path.Combine(pyenv, "versions");
        if (Directory.Exists(versions))
            foreach (var dir in Directory.EnumerateDirectories(versions))
                if (PyenvVersion().Match(Path.GetFileName(dir)) is { Success: true } m && File.Exists(Path.Combine(dir, "bin", $"python{m.Groups[1].Value}")))
                    found.Add(m.Groups[1].Value);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (!dir.Contains("/shims", StringComparison.Ordinal) && Directory.Exists(dir))
                foreach (var file in Directory.EnumerateFiles(dir, "python3.*"))
                    if (OnPath().Match(Path.GetFileName(file)) is { Success: true } m) found.Add(m.Groups[1].Value);
        return found.Distinct().OrderBy(v => new Version(v)).ToList();
    }

    [GeneratedRegex(@"^(3\.\d+)\.\d+$")]
    private static partial Regex PyenvVersion();

    [GeneratedRegex(@"^python(3\.\d+)$")]
    private static partial Regex OnPath();
}
