namespace Dstack.Core.Runner;

/// <summary>A dev environment's server's reply to <c>GET /</c>: its status code and where it redirects, if it does.</summary>
public sealed record ServerAnswer(int Status, string? Location)
{
    /// <summary>
    /// Whether the server sends a visitor to its login page (code-server does: it takes the token as a password, not
    /// in the link as openvscode-server does).
    /// </summary>
    public bool AsksToLogIn => Status is >= 300 and < 400 && Location?.Contains("login", StringComparison.OrdinalIgnoreCase) == true;
}
