namespace Dstack.Core.Workflows;

/// <summary>
/// A workflow (or a whole file) that did not validate. It stops only a run of that workflow; other runs go on
/// and show it as one warning line.
/// </summary>
/// <param name="WorkflowName">The workflow's name when it could be read; null when the whole file is unreadable.</param>
public sealed record WorkflowProblem(string? WorkflowName, WorkflowException Error)
{
    /// <summary>One line for runs of other workflows.</summary>
    public string Warning => WorkflowName is null
        ? $"Warning: {Error.Message} (no workflow of this file can run)"
        : $"Warning: workflow '{WorkflowName}' cannot run: {Error.Message}";
}
