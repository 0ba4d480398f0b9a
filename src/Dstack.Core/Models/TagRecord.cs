namespace Dstack.Core.Models;

/// <summary>A named set of artifact versions: a finished run's outputs, or folders uploaded from a laptop.</summary>
public sealed record TagRecord
{
    public required string Name { get; init; }
    public string? RunName { get; init; }
    public string? WorkflowName { get; init; }
    public required IReadOnlyList<ArtifactVersion> Artifacts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? User { get; init; }
}
