namespace Dstack.Core.Docker;

/// <summary>How to run a job in a container: the image, what is mounted where, and its limits.</summary>
public sealed record ContainerSpec
{
    public required string Image { get; init; }
    /// <summary>Unique per job; also how the container is found to stop or remove it.</summary>
    public required string Name { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>Host path → container path.</summary>
    public IReadOnlyList<(string Host, string Container)> Mounts { get; init; } = [];
    public required string WorkingDir { get; init; }
    /// <summary>The job's script inside the container; null runs the image's own command.</summary>
    public string? Script { get; init; }
    public int? Cpus { get; init; }
    /// <summary>The host CPUs it is pinned to (<c>--cpuset-cpus</c>): a Slurm allocation's.</summary>
    public string? CpuSet { get; init; }
    public long? MemoryBytes { get; init; }
    public long? ShmSizeBytes { get; init; }
    public IReadOnlyList<int>? Gpus { get; init; }
    /// <summary>Published on 127.0.0.1 with the same number inside and outside (on the host's network: nothing to publish).</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];
    /// <summary>
    /// On the host's network (<c>--network host</c>): a multi-node job's, so the addresses and master port the nodes agreed
    /// on (the host's: <c>127.0.0.1</c> here, the host's IP on an SSH host) are the container's own, as for a host job.
    /// </summary>
    public bool HostNetwork { get; init; }
}
