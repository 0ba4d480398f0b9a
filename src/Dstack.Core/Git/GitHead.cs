namespace Dstack.Core.Git;

/// <summary>
/// Reads the branch and commit of HEAD from the repository's own files, as git's files backend keeps them: two
/// git processes fewer on the path of every run. Null for a layout it does not read (a worktree's or submodule's
/// <c>.git</c> file, reftable, a symbolic ref outside <c>refs/heads</c>): git answers then.
/// </summary>
public static class GitHead
{
    public static (string? Branch, string? Commit)? TryRead(string root)
    {
        var gitDir = Path.Combine(root, ".git");
        if (!Directory.Exists(gitDir) || Directory.Exists(Path.Combine(gitDir, "reftable"))) return null;
        var head = ReadTrimmed(Path.Combine(gitDir, "HEAD"));
        if (head is null) return null;
        if (IsObjectId(head)) return (null, head); // detached
        const string symbolic = "ref: ", branches = "refs/heads/";
        if (!head.StartsWith(symbolic + branches, StringComparison.Ordinal)) return null;
        var reference = head[symbolic.Length..];
        var branch = reference[branches.Length..];
        var loose = ReadTrimmed(Path.Combine(gitDir, reference));
        if (loose is not null) return IsObjectId(loose) ? (branch, loose) : null;
        return (branch, FromPackedRefs(gitDir, reference)); // not there either: a branch with no commit yet
    }

    private static string? FromPackedRefs(string gitDir, string reference)
    {
        var packed = Path.Combine(gitDir, "packed-refs");
        if (!File.Exists(packed)) return null;
        foreach (var line in File.ReadLines(packed))
        {
            if (line.Length == 0 || line[0] is '#' or '^') continue;
            var space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(space + 1).SequenceEqual(reference) && IsObjectId(line[..space])) return line[..space];
        }
        return null;
    }

    private static string? ReadTrimmed(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>A SHA-1 or SHA-256 object name.</summary>
    private static bool IsObjectId(string s) => s.Length is 40 or 64 && s.All(char.IsAsciiHexDigitLower);
}
