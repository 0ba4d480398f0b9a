namespace Dstack.Core.Git;

/// <summary>Captures the working tree through the <c>git</c> command line (several calls in parallel).</summary>
public static class RepoCapture
{
    public static async Task<CapturedRepo> CaptureAsync(string cwd, CancellationToken ct)
    {
        var root = RepoLocator.FindGitRoot(cwd);
        return root is null ? CaptureFolder(Path.GetFullPath(cwd)) : await CaptureGitAsync(root, ct);
    }

    private static async Task<CapturedRepo> CaptureGitAsync(string root, CancellationToken ct)
    {
        var branch = Git(root, ct, "symbolic-ref", "--short", "-q", "HEAD");
        var commit = Git(root, ct, "rev-parse", "-q", "--verify", "HEAD");
        var remote = Git(root, ct, "config", "--get", "remote.origin.url");
        var user = Git(root, ct, "config", "--get", "user.name");
        var files = Git(root, ct, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard");
        var diff = Git(root, ct, "diff", "HEAD", "--binary");
        var listing = await files;
        if (listing.ExitCode != 0)
            throw new Errors.DstackException($"git could not list the files of {root}: {listing.StdErr.Trim()}");

        var paths = new List<string>();
        var untracked = 0;
        foreach (var item in listing.StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "-t" prefixes a status letter and a space: "H path" (tracked), "? path" (untracked).
            if (item.Length < 3) continue;
            if (item[0] == '?') untracked++;
            paths.Add(item[2..]);
        }
        var head = (await commit).StdOut.Trim();
        return new CapturedRepo
        {
            Root = root,
            Repo = RepoLocator.Identify((await remote).StdOut.Trim(), root),
            IsGit = true,
            Branch = NullIfEmpty((await branch).StdOut.Trim()),
            Commit = NullIfEmpty(head),
            Diff = head.Length == 0 ? "" : (await diff).StdOut,
            Files = paths.Distinct(StringComparer.Ordinal).ToList(),
            UntrackedFiles = untracked,
            UserName = NullIfEmpty((await user).StdOut.Trim()) ?? Environment.UserName,
        };
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
