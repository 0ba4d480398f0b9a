namespace Dstack.Core.Git;

/// <summary>
/// Reads <c>remote.origin.url</c> and <c>user.name</c> from git's config files as git would (system, then global, then
/// the repo's; the last wins): one git process fewer on the path of every run. Null when it cannot be sure: a
/// variable that points git at other files (<c>GIT_CONFIG_*</c>, <c>GIT_DIR</c>), an <c>include</c>, a worktree's
/// <c>.git</c> file, or a line it does not read plainly (quotes, escapes, continuations): git answers then.
/// </summary>
public static class GitConfigFiles
{
    public sealed record Values(string? OriginUrl, string? UserName);

    public static Values? TryRead(string root) => TryRead(root, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="TryRead(string)"/>, with the variables from <paramref name="env"/> (tests give a home of their own).</summary>
    public static Values? TryRead(string root, Func<string, string?> env)
    {
        foreach (var name in new[] { "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG", "GIT_DIR" })
            if (env(name) is not null) return null;
        var gitDir = Path.Combine(root, ".git");
        if (!Directory.Exists(gitDir)) return null;
        var home = env("HOME");
        var xdg = env("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : home is null ? null : Path.Combine(home, ".config");
        var files = new List<string?>
        {
            env("GIT_CONFIG_NOSYSTEM") is null ? "/etc/gitconfig" : null,
            xdg is null ? null : Path.Combine(xdg, "git", "config"),
            home is null ? null : Path.Combine(home, ".gitconfig"),
            Path.Combine(gitDir, "config"),
        };
        string? url = null, user = null;
        foreach (var file in files.OfType<string>())
            if (!Read(file, ref url, ref user)) return null;
        return new Values(url, user);
    }

    private static bool Read(string file, ref string? url, ref string? user)
    {
        IEnumerable<string> lines;
        try
        {
            if (!File.Exists(file)) return true;
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        var section = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                var end = line.IndexOf(']');
                if (end < 0) return false;
                section = Section(line[1..end]);
                if (section.StartsWith("include", StringComparison.Ordinal)) return false; // include, includeIf "…"
                line = line[(end + 1)..].Trim();
                if (line.Length == 0 || line[0] is '#' or ';') continue;
            }
            if (line.IndexOfAny(['"', '\\']) >= 0) return false;
            var eq = line.IndexOf('=');
            var key = (eq < 0 ? line : line[..eq]).Trim().ToLowerInvariant();
            var value = eq < 0 ? "" : StripComment(line[(eq + 1)..]).Trim();
            if (section == "user" && key == "name") user = value;
            else if (section == "remote \"origin\"" && key == "url") url = value;
        }
        return true;
    }

    /// <summary><c>user</c>, or <c>remote "origin"</c>: the section's name is case-insensitive, its subsection is not.</summary>
    private static string Section(string header)
    {
        var space = header.IndexOf(' ');
        return space < 0 ? header.Trim().ToLowerInvariant() : $"{header[..space].ToLowerInvariant()} {header[(space + 1)..].Trim()}";
    }

    private static string StripComment(string value)
    {
        var at = value.IndexOfAny(['#', ';']);
        return at < 0 ? value : value[..at];
    }
}
