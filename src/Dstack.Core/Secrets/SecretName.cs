using System.Text.RegularExpressions;

namespace Dstack.Core.Secrets;

/// <summary>Secret names become environment variable names, so they must be valid ones: typed at the CLI or read from the store.</summary>
public static partial class SecretName
{
    public static string Validate(string name) =>
        IsValid(name)
            ? name
            : throw SecretException.InvalidName(name);

    /// <summary>What a job's log says of a secret read from the store under an invalid name (escaped, cut to 80 characters).</summary>
    public static string Ignored(string name)
    {
        var shown = System.Text.Json.JsonEncodedText.Encode(name.Length > 80 ? name[..80] + "…" : name).ToString();
        return $"secret \"{shown}\" ignored: not a valid environment variable name (it was written to the store by other means than `dstack secrets add`).";
    }

    public static bool IsValid(string name) => Valid().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}\z")]
    private static partial Regex Valid();
}
