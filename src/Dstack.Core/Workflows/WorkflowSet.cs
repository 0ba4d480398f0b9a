namespace Dstack.Core.Workflows;

/// <summary>All workflows of a repository, in file order, and the files they came from.</summary>
public sealed class WorkflowSet(IReadOnlyList<WorkflowSpec> all, IReadOnlyList<string> files)
{
    public static WorkflowSet Empty { get; } = new([], []);

    public IReadOnlyList<WorkflowSpec> All { get; } = all;

    /// <summary>Repo-relative paths (forward slashes) of the files read, in the order they were read.</summary>
    public IReadOnlyList<string> Files { get; } = files;

    /// <summary>The workflow with exactly this name, or null. Names are unique (the loader rejects duplicates).</summary>
    public WorkflowSpec? Find(string name) => All.FirstOrDefault(w => w.Name == name);
}
