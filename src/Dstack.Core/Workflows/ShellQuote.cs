using System.Text.RegularExpressions;

namespace Dstack.Core.Workflows;

/// <summary>POSIX shell quoting, so a command line built from tokens gives the shell exactly those tokens back.</summary>
public static partial class ShellQuote
{
    /// <summary>The token as is when it has only safe characters, otherwise in single quotes (<c>'</c> becomes <c>'\''</c>).</summary>
    public static string Quote(string token) =>
        SafeToken().IsMatch(token) ? token : "'" + token.Replace("'", @"'\''") + "'";

    public static string Join(IEnumerable<string> tokens) => string.Join(' ', tokens.Select(Quote));

    // The same safe set as Python's shlex.quote; everything else (spaces, $, *, quotes, ...) needs quoting.
    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeToken();
}
