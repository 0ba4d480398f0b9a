namespace Dstack.Core.Models;

/// <summary>One job of a run, as built by a provider: everything the runner needs, no secrets.</summary>
public sealed record JobSpec
{
    /// <summary>The job's place in its run; in a multi-node run also its node's rank (0 to <see cref="Nodes"/>-1).</summary>
    public int Index { get; init; }
    /// <summary>How many nodes run the workflow together, one job each; 1 for a single-node run.</summary>
    public int Nodes { get; init; } = 1;
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

    /// <summary>One job of several that run together and find each other (<c>nodes: N</c>, N &gt; 1).</summary>
    public bool IsMultiNode => Nodes > 1;
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
