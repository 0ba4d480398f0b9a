namespace Dstack.Core.Compute.Ssh;

/// <summary>Turns what <c>ssh</c> printed when it could not connect (exit 255) into one line naming the host and the fix.</summary>
public static class SshFailure
{
    private static readonly string[] UnreachableSigns =
    [
        "Could not resolve hostname", "Connection refused", "timed out", "No route to host", "Network is unreachable",
        "Connection closed by", "Connection reset", "kex_exchange_identification", "Name or service not known",
    ];

    public static SshException Classify(string host, string stderr, string? identity, string tryCommand)
    {
        if (stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal)
            || stderr.Contains("POSSIBLE DNS SPOOFING", StringComparison.Ordinal))
            return SshException.HostKeyChanged(host, tryCommand);
        if (stderr.Contains("Host key verification failed", StringComparison.Ordinal)
            || stderr.Contains("No ED25519 host key is known", StringComparison.Ordinal)
            || stderr.Contains("host key is known", StringComparison.Ordinal))
            return SshException.HostKeyUnknown(host, tryCommand);
        if (stderr.Contains("Permission denied", StringComparison.Ordinal) || stderr.Contains("Too many authentication failures", StringComparison.Ordinal))
            return SshException.NoKey(host, identity);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sign = lines.LastOrDefault(l => UnreachableSigns.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase)));
        if (sign is not null) return SshException.Unreachable(host, Detail(sign), tryCommand);
        return SshException.Failed(host, "ssh", lines.LastOrDefault() ?? "ssh exited with 255 and printed nothing");
    }

    /// <summary>The reason without ssh's prefix: "ssh: connect to host x port 22: Connection refused" → "Connection refused".</summary>
    private static string Detail(string line)
    {
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? line[(colon + 2)..].TrimEnd('.', '\r') : line;
    }
}
