using Dstack.Core.Errors;

namespace Dstack.Core.Workflows;

/// <summary>A problem in a workflow file, reported as <c>file:line:col: message</c>.</summary>
public sealed partial class WorkflowException(SourceLocation? location, string problem)
    : DstackException(location is null ? problem : $"{location}: {problem}")
{
    public SourceLocation? Location { get; } = location;
    public string Problem { get; } = problem;
}
