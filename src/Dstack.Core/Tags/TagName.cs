using System.Text.RegularExpressions;

namespace Dstack.Core.Tags;

/// <summary>Tag names: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, unique within a repo.</summary>
public static partial class TagName
{
    public static string Validate(string name) => IsValid(name) ? name : throw TagException.InvalidName(name);

    public static bool IsValid(string name) => Valid().IsMatch(name) && name is not "." and not "..";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex Valid();
}
