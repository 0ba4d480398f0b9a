namespace Dstack.Core.Workflows;

/// <summary>Where a thing was declared, for error messages: a repo-relative file and a 1-based line and column.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One workflow from <c>.dstack/workflows.yaml</c> or <c>.dstack/workflows/*.y(a)ml</c>, validated.</summary>
public sealed record WorkflowSpec
{
    public required string Name { get; init; }
    public required string Provider { get; init; }
    public string? Help { get; init; }
    public IReadOnlyList<DepSpec> Deps { get; init; } = [];
    public IReadOnlyList<string> Commands { get; init; } = [];
    /// <summary><c>before_run</c>, or its alias <c>setup</c>.</summary>
    public IReadOnlyList<string> BeforeRun { get; init; } = [];
    public string? Requirements { get; init; }
    public string? Python { get; init; }
    /// <summary>Raw entries: <c>NAME=VALUE</c> or a bare <c>NAME</c> (the caller's value passes through).</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public IReadOnlyList<ArtifactSpec> Artifacts { get; init; } = [];
    public int Ports { get; init; }
    public ResourcesSpec? Resources { get; init; }
    /// <summary>Docker image (docker provider, or a bash workflow that runs in a container).</summary>
    public string? Image { get; init; }
    /// <summary>How many nodes run the workflow together (one job per node, rank 0 to N-1); 1 unless <c>nodes</c> says more.</summary>
    public int Nodes { get; init; } = 1;
    /// <summary>torchrun: the Python script every node's <c>torchrun</c> starts, relative to <see cref="WorkingDir"/>.</summary>
    public string? Script { get; init; }
    /// <summary>torchrun: the script's arguments as shell words (may use <c>${{ run.args }}</c>); null passes the run's arguments.</summary>
    public string? ScriptArgs { get; init; }
    /// <summary>torchrun: worker processes per node; null means the node's GPUs, or 1 without GPUs.</summary>
    public int? NprocPerNode { get; init; }
    /// <summary>The server's version for <c>code</c>, <c>lab</c> and <c>notebook</c>, as written (raw scalar text).</summary>
    public string? Version { get; init; }
    /// <summary>Where the workflow's <c>name</c> was declared.</summary>
    public required SourceLocation Location { get; init; }
    /// <summary>Where individual properties were declared (key: property name), for errors raised after loading.</summary>
    public IReadOnlyDictionary<string, SourceLocation> PropertyLocations { get; init; } = new Dictionary<string, SourceLocation>();
}

public sealed record DepSpec(DepKind Kind, string Name, bool Mount = false);

public enum DepKind { Tag, Workflow }

public sealed record ArtifactSpec(string Path, bool Mount = false);

public sealed record ResourcesSpec
{
    public int? Cpu { get; init; }
    /// <summary>As written, e.g. <c>16GB</c> (decimal) or <c>16GiB</c> (binary).</summary>
    public string? Memory { get; init; }
    public GpuSpec? Gpu { get; init; }
    public string? ShmSize { get; init; }
    public bool Interruptible { get; init; }
    /// <summary>The original's "run on the user's own machine" (0.0.10+); every run here is, so it changes nothing.</summary>
    public bool Local { get; init; }
}

public sealed record GpuSpec(int Count, string? Name = null, string? Memory = null);
