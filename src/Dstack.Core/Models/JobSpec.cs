namespace Dstack.Core.Models;

/// <summary>One job of a run, as built by a provider: everything the runner needs, no secrets.</summary>
public sealed record JobSpec
{
    public int Index { get; init; }
    /// <summary>Shell lines run in order by bash with <c>set -e</c> (before_run first).</summary>
    public required IReadOnlyList<string> Commands { get; init; }
    /// <summary><c>NAME=VALUE</c> entries; values may reference variables (<c>$PATH</c>, <c>${HOME}</c>).</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    /// <summary>Relative to the code snapshot's root; empty for the root.</summary>
    public string WorkingDir { get; init; } = "";
    public IReadOnlyList<ArtifactRef> Artifacts { get; init; } = [];
    public int Ports { get; init; }
    public JobResources? Resources { get; init; }
    public string? Image { get; init; }
    public string? Python { get; init; }
    public string? Requirements { get; init; }
}

public sealed record ArtifactRef(string Path, bool Mount = false);

public sealed record JobResources
{
    public int? Cpu { get; init; }
    public long? MemoryBytes { get; init; }
    public int GpuCount { get; init; }
    public string? GpuName { get; init; }
    public long? GpuMemoryBytes { get; init; }
    public long? ShmSizeBytes { get; init; }
    public bool Interruptible { get; init; }
}
