using Dstack.Core.Errors;

namespace Dstack.Core.Workflows;

/// <summary>A provider flag of <c>dstack run</c> with a value that cannot be used; every sentence is built here.</summary>
public sealed class ProviderFlagException(string message) : DstackException(message)
{
    internal static ProviderFlagException NeedsValue(string flag) =>
        new($"Option '{flag}' needs a value. See: dstack run --help");

    internal static ProviderFlagException Invalid(string flag, string value, string problem) =>
        new($"Invalid value '{Shorten(value)}' for option '{flag}': {problem}. See: dstack run --help");

    // A value pasted by mistake (a whole file) must not flood the terminal.
    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
