namespace Dstack.Cli;

/// <summary>A dev environment's link as the user opens it, and the password its login page asks for (code-server), if any.</summary>
public sealed record ServerLink(string Url, string? Password)
{
    /// <summary>What the attached CLI and <c>dstack attach</c> print: <c>Open URL</c>, then <c>Password: TOKEN</c> when there is one.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"Open {Url}";
        if (Password is not null) yield return $"Password: {Password}";
    }
}
