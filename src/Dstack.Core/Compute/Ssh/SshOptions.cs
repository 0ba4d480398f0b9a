namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// How dstack runs <c>ssh</c> for a target. Defaults: the user's own SSH config and keys (agent included).
/// <see cref="ConfigFile"/> is passed as <c>-F</c>, <see cref="IdentityFile"/> as <c>-i</c> with <c>IdentitiesOnly</c>.
/// Connections are multiplexed through a ControlMaster socket in <see cref="ControlDirectory"/>, kept for
/// <see cref="ControlPersistSeconds"/> after the last use, so that the second command to a host costs milliseconds.
/// </summary>
public sealed record SshOptions
{
    public string? ConfigFile { get; init; }
    public string? IdentityFile { get; init; }

    /// <summary>Where the ControlMaster sockets live (mode 700); null: no multiplexing.</summary>
    public string? ControlDirectory { get; init; }

    public int ControlPersistSeconds { get; init; } = 60;

    /// <summary>How long a new connection may take before the host counts as unreachable.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 10;

    /// <summary>
    /// A socket folder under <paramref name="baseDirectory"/> for these options (a different key never reuses
    /// another's connection), or under /tmp when that path would pass the 108-byte limit of a Unix socket.
    /// </summary>
    public SshOptions WithControlDirectoryUnder(string baseDirectory)
    {
        var key = Convert.ToHexStringLower(Storage.ManagedSha256.Hash($"{ConfigFile}\n{IdentityFile}"))[..8];
        var dir = Path.Combine(baseDirectory, key);
        // The socket's name is %C, 40 hex characters; ssh adds a temporary suffix of ~17 while it creates it.
        if (dir.Length + 1 + 40 + 17 >= 104) dir = Path.Combine("/tmp", $"dstack-ssh-{Environment.UserName}", key);
        return this with { ControlDirectory = dir };
    }
}
