using Dstack.Core.Models;

namespace Dstack.Core.Git;

/// <summary>The user's working tree at <c>dstack run</c>: identity, git position, and the files to ship.</summary>
public sealed record CapturedRepo
{
    public required string Root { get; init; }
    public required RepoRef Repo { get; init; }
    public bool IsGit { get; init; }
    public string? Branch { get; init; }
    public string? Commit { get; init; }
    /// <summary><c>git diff HEAD</c>: uncommitted changes to tracked files; empty when clean.</summary>
    public string Diff { get; init; } = "";
    /// <summary>Tracked and untracked, non-ignored files, relative to <see cref="Root"/>.</summary>
    public required IReadOnlyList<string> Files { get; init; }
    public int UntrackedFiles { get; init; }
    public string? UserName { get; init; }
}
