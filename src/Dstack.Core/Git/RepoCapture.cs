namespace Dstack.Core.Git;

/// <summary>Captures the working tree through the <c>git</c> command line (two calls in parallel), <see cref="GitHead"/> and <see cref="GitConfigFiles"/>.</summary>
public static class RepoCapture
{
    /// <summary>Paths matching this file's patterns (gitignore syntax, at the repo's root) stay out of the snapshot, tracked or not.</summary>
    public const string IgnoreFile = ".dstackignore";

    public static async Task<CapturedRepo> CaptureAsync(string cwd, CancellationToken ct)
    {
        var root = RepoLocator.FindGitRoot(cwd);
        return root is null ? CaptureFolder(Path.GetFullPath(cwd)) : await CaptureGitAsync(root, ct);
    }

    private static async Task<CapturedRepo> CaptureGitAsync(string root, CancellationToken ct)
    {
        // Each git process costs a millisecond or two of the run's start: HEAD is read from files where it can be.
        var files = Git(root, ct, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard");
        var diff = Git(root, ct, "diff", "HEAD", "--binary");
        var known = GitConfigFiles.TryRead(root);
        var config = known is null ? Git(root, ct, "config", "-z", "--get-regexp", @"^(remote\.origin\.url|user\.name)$") : null;
        var excluded = File.Exists(Path.Combine(root, IgnoreFile))
            ? Git(root, ct, "ls-files", "-z", "--cached", "--others", "--ignored", $"--exclude-from={IgnoreFile}") : null;
        var (branch, head) = GitHead.TryRead(root) ?? await HeadFromGitAsync(root, ct);
        var listing = await files;
        if (listing.ExitCode != 0)
            throw GitException.ListFailed(root, listing.StdErr.Trim());
        var skip = excluded is null ? null : (await excluded).StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var paths = new List<string>();
        var untracked = 0;
        foreach (var item in listing.StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "-t" prefixes a status letter and a space: "H path" (tracked), "? path" (untracked).
            if (item.Length < 3 || skip?.Contains(item[2..]) == true) continue;
            if (item[0] == '?') untracked++;
            paths.Add(item[2..]);
        }
        var (originUrl, userName) = known is not null ? (known.OriginUrl, known.UserName)
            : ConfigValues((await config!).StdOut) is var settings ? (settings.GetValueOrDefault("remote.origin.url"), settings.GetValueOrDefault("user.name")) : default;
        return new CapturedRepo
        {
            Root = root,
            Repo = RepoLocator.Identify(originUrl, root),
            IsGit = true,
            Branch = branch,
            Commit = head,
            Diff = head is null ? "" : (await diff).StdOut,
            Files = paths.Distinct(StringComparer.Ordinal).ToList(),
            UntrackedFiles = untracked,
            UserName = NullIfEmpty(userName?.Trim() ?? "") ?? Environment.UserName,
        };
    }

    private static async Task<(string? Branch, string? Commit)> HeadFromGitAsync(string root, CancellationToken ct)
    {
        var branch = Git(root, ct, "symbolic-ref", "--short", "-q", "HEAD");
        var commit = Git(root, ct, "rev-parse", "-q", "--verify", "HEAD");
        return (NullIfEmpty((await branch).StdOut.Trim()), NullIfEmpty((await commit).StdOut.Trim()));
    }

    /// <summary>`git config -z --get-regexp` output: "key\nvalue\0" entries; for a key set at several levels, the last one wins, as in git.</summary>
    private static Dictionary<string, string> ConfigValues(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var newline = entry.IndexOf('\n');
            if (newline > 0) values[entry[..newline]] = entry[(newline + 1)..];
        }
        return values;
    }

    private static CapturedRepo CaptureFolder(string root)
    {
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .ToList();
        return new CapturedRepo
        {
            Root = root,
            Repo = RepoLocator.Identify(null, root),
            IsGit = false,
            Files = files,
            UntrackedFiles = files.Count,
            UserName = Environment.UserName,
        };
    }

    private static Task<ProcessRunner.Result> Git(string root, CancellationToken ct, params string[] args) =>
        ProcessRunner.RunAsync("git", root, ct, args);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
