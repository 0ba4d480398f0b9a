using System.Text.RegularExpressions;

namespace Dstack.Core.Workflows;

/// <summary>
/// What a workflow's <c>env</c> may name. The parser, the providers and the runner all ask, so it lives here, below the
/// providers and the runner (they use Workflows; Workflows uses neither).
/// </summary>
public static partial class EnvNames
{
    /// <summary>Where the store's credentials are found in an environment: a job never inherits them, nor may a workflow pass them on.</summary>
    public static readonly IReadOnlyList<string> Credentials = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"];

    /// <summary>A name bash can export.</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    public static partial Regex Variable();
}
