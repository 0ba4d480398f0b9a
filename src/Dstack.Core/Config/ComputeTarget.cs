using System.Text.RegularExpressions;
using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Config;

/// <summary>
/// A named place where runs go, kept in <c>config.yaml</c>: SSH hosts and how to reach them, or a Slurm cluster
/// (<see cref="Slurm"/> set, <see cref="Hosts"/> empty: its nodes are the cluster's to choose). <c>local</c>
/// (this machine) is not stored: it is always there. <see cref="StoreEndpoint"/> is the S3 endpoint as the
/// hosts reach it, when that differs from this machine's (null: the same).
/// </summary>
public sealed partial record ComputeTarget(string Name, IReadOnlyList<SshHostAddress> Hosts)
{
    public const string Local = "local";

    public string? SshConfig { get; init; }
    public string? Identity { get; init; }
    public string? StoreEndpoint { get; init; }

    /// <summary>Non-null for a Slurm cluster.</summary>
    public SlurmSettings? Slurm { get; init; }

    /// <summary>"ssh" or "slurm", as <c>config compute list</c> shows it.</summary>
    public string Kind => Slurm is null ? "ssh" : "slurm";

    /// <summary>A Slurm cluster target: no hosts of its own.</summary>
    public static ComputeTarget SlurmCluster(string name, SlurmSettings settings) => new(name, []) { Slurm = settings };

    public SshOptions SshOptions(string dstackHome) =>
        new SshOptions { ConfigFile = SshConfig, IdentityFile = Identity }.WithControlDirectoryUnder(Path.Combine(dstackHome, "tmp", "ssh"));

    /// <summary>A target's name: lowercase letters, digits, '-' and '_', starting with a letter or digit.</summary>
    public static string ValidateName(string name) =>
        NamePattern().IsMatch(name) ? name : throw ComputeConfigException.BadName(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();
}
