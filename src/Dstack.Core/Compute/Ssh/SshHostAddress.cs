using System.Globalization;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// One SSH host as the user names it: an alias of their SSH config (<c>h1</c>), or <c>user@host[:port]</c>.
/// User and port stay null when not given, so that the SSH config decides them.
/// </summary>
public sealed record SshHostAddress(string Host, string? User = null, int? Port = null)
{
    /// <summary>Parses one host; throws <see cref="SshException"/> naming the value and the accepted forms.</summary>
    public static SshHostAddress Parse(string value)
    {
        var text = value.Trim();
        string? user = null;
        int? port = null;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            user = text[..at];
            text = text[(at + 1)..];
            if (user.Length == 0) throw SshException.BadHost(value);
        }
        // [v6::addr]:port, or host:port (a bare IPv6 address has more than one colon and no port).
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw SshException.BadHost(value);
            var rest = text[(close + 1)..];
            text = text[1..close];
            if (rest.Length > 0) port = ParsePort(rest.StartsWith(':') ? rest[1..] : "", value);
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':');
            port = ParsePort(text[(colon + 1)..], value);
            text = text[..colon];
        }
        if (text.Length == 0 || text.StartsWith('-') || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"' or '/' or ','))
            throw SshException.BadHost(value);
        if (user is not null && (user.StartsWith('-') || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            throw SshException.BadHost(value);
        return new SshHostAddress(text, user, port);
    }

    /// <summary>A comma-separated list, as <c>--ssh h1,h2</c> takes it; at least one host, no repeats.</summary>
    public static IReadOnlyList<SshHostAddress> ParseList(string value)
    {
        var hosts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
        if (hosts.Count == 0) throw SshException.NoHosts(value);
        var repeated = hosts.GroupBy(h => h.ToString()).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw SshException.RepeatedHost(repeated.Key);
        return hosts;
    }

    private static int ParsePort(string text, string value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw SshException.BadHost(value);

    /// <summary>The form it was given in: <c>user@host:port</c> with the parts that were given.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':') && Port is not null ? $"[{Host}]" : Host;
        return (User is null ? "" : User + "@") + host + (Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "");
    }
}
