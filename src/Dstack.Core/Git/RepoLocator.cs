using Dstack.Core.Models;

namespace Dstack.Core.Git;

/// <summary>Finds the repository around a folder and names it, without capturing its files.</summary>
public static class RepoLocator
{
    /// <summary>The git top-level folder containing <paramref name="cwd"/>, or null when it is not in a git repo.</summary>
    public static string? FindGitRoot(string cwd)
    {
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                return dir.FullName;
        return null;
    }

    /// <summary>The repo root for <paramref name="cwd"/>: the git top level, or the folder itself.</summary>
    public static string FindRoot(string cwd) => FindGitRoot(cwd) ?? Path.GetFullPath(cwd);

    /// <summary>
    /// <c>owner/name</c> from a remote URL (<c>git@host:owner/name.git</c>, <c>https://host/owner/name</c>,
    /// <c>ssh://git@host:22/owner/name.git</c>); with no remote, <c>local/&lt;folder&gt;</c>.
    /// </summary>
    public static RepoRef Identify(string? remoteUrl, string root)
    {
        var folder = Sanitize(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)));
        if (string.IsNullOrWhiteSpace(remoteUrl)) return new RepoRef("local", folder);
        var url = remoteUrl.Trim();
        if (url.EndsWith(".git", StringComparison.Ordinal)) url = url[..^4];
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var path = scheme >= 0
            ? url[(url.IndexOf('/', scheme + 3) is var s and >= 0 ? s + 1 : url.Length)..]
            : url.Contains(':') ? url[(url.IndexOf(':') + 1)..] : url;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2
            ? new RepoRef(Sanitize(parts[^2]), Sanitize(parts[^1]))
            : new RepoRef("local", parts.Length == 1 ? Sanitize(parts[0]) : folder);
    }

    /// <summary>
    /// The <c>origin</c> URL read straight from <c>.git/config</c> (no git process: this is on the path of
    /// every command); falls back to <c>git config</c> for layouts it does not know, such as worktrees.
    /// </summary>
    public static string? ReadOriginUrl(string root)
    {
        var config = Path.Combine(root, ".git", "config");
        if (!File.Exists(config))
        {
            var result = ProcessRunner.RunAsync("git", root, CancellationToken.None, "config", "--get", "remote.origin.url").GetAwaiter().GetResult();
            return result.ExitCode == 0 ? result.StdOut.Trim() : null;
        }
        var inOrigin = false;
        foreach (var raw in File.ReadLines(config))
        {
            var line = raw.Trim();
            if (line.StartsWith('[')) inOrigin = line.Replace(" ", "") == "[remote\"origin\"]";
            else if (inOrigin && line.StartsWith("url", StringComparison.Ordinal) && line.IndexOf('=') is var eq and > 0)
                return line[(eq + 1)..].Trim();
        }
        return null;
    }

    /// <summary>The repository <paramref name="cwd"/> belongs to, named as the store knows it.</summary>
    public static (string Root, RepoRef Repo, bool IsGit) Locate(string cwd)
    {
        var git = FindGitRoot(cwd);
        var root = git ?? Path.GetFullPath(cwd);
        return (root, Identify(git is null ? null : ReadOriginUrl(git), root), git is not null);
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var clean = new string(chars).Trim('.');
        return clean.Length == 0 ? "repo" : clean;
    }
}
