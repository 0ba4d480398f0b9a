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
    /// <summary>
    /// A dev environment's server on <c>PORT_0</c> (code, lab, notebook): the path and query its link opens, with
    /// <c>{token}</c> where the token goes (e.g. <c>/tree?token={token}</c>). The runner generates the token
    /// (<c>DSTACK_SERVER_TOKEN</c>), so the spec never holds it; null for a job that serves nothing.
    /// </summary>
    public string? ServerLink { get; init; }

    /// <summary>
    /// The link instead of <see cref="ServerLink"/> when the server's root sends a visitor to its login page
    /// (code-server, which takes the token as its password): the user opens it and types the token, shown beside it.
    /// </summary>
    public string? ServerLoginLink { get; init; }

    /// <summary>The variable that gives a dev environment's server its token (the runner sets it, the providers' commands read it).</summary>
    public const string ServerTokenVariable = "DSTACK_SERVER_TOKEN";
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
