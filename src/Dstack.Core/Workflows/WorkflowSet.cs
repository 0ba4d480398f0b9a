namespace Dstack.Core.Workflows;

/// <summary>
/// All workflows of a repository, in file order, and the files they came from. Workflows that did not validate
/// are left out and listed in <see cref="Problems"/>.
/// </summary>
public sealed class WorkflowSet(IReadOnlyList<WorkflowSpec> all, IReadOnlyList<string> files, IReadOnlyList<WorkflowProblem>? problems = null)
{
    public static WorkflowSet Empty { get; } = new([], []);

    /// <summary>The valid workflows.</summary>
    public IReadOnlyList<WorkflowSpec> All { get; } = all;

    /// <summary>Repo-relative paths (forward slashes) of the files read, in the order they were read.</summary>
    public IReadOnlyList<string> Files { get; } = files;

    /// <summary>Each invalid workflow or unreadable file, in file order.</summary>
    public IReadOnlyList<WorkflowProblem> Problems { get; } = problems ?? [];

    /// <summary>The valid workflow with exactly this name, or null.</summary>
    public WorkflowSpec? Find(string name) => All.FirstOrDefault(w => w.Name == name);

    /// <summary>
    /// Why a run of <paramref name="name"/> cannot go ahead: the first problem of a workflow of that name (a duplicate
    /// counts: which one was meant is unclear), or else, when neither a valid workflow nor a provider
    /// (<paramref name="isProvider"/>) has the name, the first unreadable file (the workflow may be in it).
    /// Null when nothing stands in the way.
    /// </summary>
    public WorkflowException? ProblemFor(string name, bool isProvider) =>
        Problems.FirstOrDefault(p => p.WorkflowName == name)?.Error
        ?? (Find(name) is null && !isProvider ? Problems.FirstOrDefault(p => p.WorkflowName is null)?.Error : null);

    /// <summary>This set when every workflow is valid; otherwise the first problem is thrown.</summary>
    public WorkflowSet ThrowIfInvalid() => Problems.Count == 0 ? this : throw Problems[0].Error;
}
