namespace Dstack.Core.Models;

/// <summary>A dependency as resolved at submit time: which tag or run fed this one, and the exact artifact versions.</summary>
public sealed record ResolvedDep
{
    public required DepSource Kind { get; init; }
    /// <summary>As written: the tag or workflow name, possibly <c>owner/repo/NAME</c>.</summary>
    public required string Name { get; init; }
    public required RepoRef Repo { get; init; }
    public string? RunName { get; init; }
    public required IReadOnlyList<ArtifactVersion> Artifacts { get; init; }
}

public enum DepSource { Tag, Workflow }
