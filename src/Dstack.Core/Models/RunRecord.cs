namespace Dstack.Core.Models;

/// <summary>
/// What was submitted: written once, create-only, by the CLI at submit time and never changed.
/// The live part of a job lives in <see cref="JobState"/>.
/// </summary>
public sealed record RunRecord
{
    public required string RunName { get; init; }
    public required RepoRef Repo { get; init; }
    public string? WorkflowName { get; init; }
    public required string ProviderName { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public required RepoSnapshotInfo Code { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public required IReadOnlyList<JobSpec> Jobs { get; init; }
    /// <summary>
    /// The jobs as built with <see cref="Runs.RunNameTemplate.Placeholder"/> for the run's name, kept only when the
    /// workflow uses <c>${{ run.name }}</c>: a restart renders them with its own name.
    /// </summary>
    public IReadOnlyList<JobSpec>? JobTemplates { get; init; }
    /// <summary>The submitter (git user.name, else the OS user).</summary>
    public string? User { get; init; }
    /// <summary>The run this one restarts, if any.</summary>
    public string? RestartOf { get; init; }
    /// <summary>Dependencies, resolved at submit time to exact artifact versions.</summary>
    public IReadOnlyList<ResolvedDep> Deps { get; init; } = [];
    /// <summary>Tag to put on the run when it ends done (<c>dstack run -t</c>).</summary>
    public string? TagOnDone { get; init; }
}

/// <summary>The code a run sees: git identity for display, and the stored snapshot the runner materialises.</summary>
public sealed record RepoSnapshotInfo
{
    public string? Branch { get; init; }
    public string? Commit { get; init; }
    /// <summary>Blob id of <c>git diff HEAD</c> (tracked changes), when there were any.</summary>
    public string? DiffBlob { get; init; }
    public int UntrackedFiles { get; init; }
    public required string SnapshotId { get; init; }
    public bool IsGit { get; init; } = true;
}
