namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// What one probe learnt about a host: capacity, what it can run (docker, pythons), its platform, and whether
/// this machine's local store folder is visible there (null: not asked, as with an S3 store), and what its runners hold
/// and wait for now (null: not known, taken as idle). <see cref="DockerUnusable"/>: why a docker CLI that is there cannot
/// run containers (no daemon, or the SSH user may not use its socket); <see cref="Docker"/> is then false.
/// </summary>
public sealed record HostFacts(
    string Hostname,
    string Os,
    string Arch,
    string Distro,
    ComputeCapacity Capacity,
    bool Docker,
    IReadOnlyList<string> Pythons,
    bool? StoreVisible,
    HostLoad? Load = null,
    string? DockerUnusable = null);
