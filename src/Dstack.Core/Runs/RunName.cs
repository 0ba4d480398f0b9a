using System.Text.RegularExpressions;
using Dstack.Core.Errors;

namespace Dstack.Core.Runs;

/// <summary>
/// Run names as a user types them: one key segment of the store (letters, digits, '-', '_', '.'; never '.', '..'
/// or a '/'), so that a name can only ever address its own run.
/// </summary>
public static partial class RunName
{
    public static string Validate(string name) =>
        Valid().IsMatch(name)
            ? name
            : throw RunException.InvalidName(Quote.Short(name));

    /// <summary>True for a name that addresses its own run (a name read from a store key is checked before it is used).</summary>
    public static bool IsValid(string name) => Valid().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Valid();
}
