using Dstack.Cli;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Dstack.Dashboard;

/// <summary>
/// The access token printed in the URL, and the browser sessions it was traded for: each session has its own cookie
/// value and its own CSRF token, which the pages send back in a header with every action. All of it lives in memory:
/// a restarted dashboard prints a new token and forgets every session.
/// </summary>
public sealed class DashboardSessions
{
    private readonly ConcurrentDictionary<string, string> _csrfBySession = new(StringComparer.Ordinal);

    public DashboardSessions(string? token = null) => Token = token ?? NewSecret();

    public string Token { get; }

    public bool IsToken(string? given) => given is not null && Same(given, Token);

    /// <summary>A new session: its cookie value (the session's id).</summary>
    public string Open()
    {
        var id = NewSecret();
        _csrfBySession[id] = NewSecret();
        return id;
    }

    /// <summary>The session's CSRF token; null for an unknown session.</summary>
    public string? CsrfOf(string? session) => session is not null && _csrfBySession.TryGetValue(session, out var csrf) ? csrf : null;

    public bool IsCsrf(string? session, string? given) => CsrfOf(session) is { } csrf && given is not null && Same(given, csrf);

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
