using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Core.Errors;

namespace Dstack.Core.Workflows;

/// <summary>
/// Memory sizes such as <c>16GB</c> (decimal, 10⁹) or <c>16GiB</c> (binary, 2³⁰). Units ignore case;
/// the short forms <c>M</c>, <c>G</c>, <c>T</c> are decimal and <c>Mi</c>, <c>Gi</c>, <c>Ti</c> binary.
/// </summary>
public static partial class MemorySize
{
    public const string UnitHelp = "use MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 16GB";

    private static readonly Dictionary<string, long> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["M"] = 1_000_000, ["MB"] = 1_000_000, ["Mi"] = 1L << 20, ["MiB"] = 1L << 20,
        ["G"] = 1_000_000_000, ["GB"] = 1_000_000_000, ["Gi"] = 1L << 30, ["GiB"] = 1L << 30,
        ["T"] = 1_000_000_000_000, ["TB"] = 1_000_000_000_000, ["Ti"] = 1L << 40, ["TiB"] = 1L << 40,
    };

    /// <summary>The size in bytes; throws a <see cref="DstackException"/> that names the text and the accepted units.</summary>
    public static long Parse(string text) =>
        TryParse(text, out var bytes, out var problem)
            ? bytes
            : throw WorkflowException.InvalidMemorySize(text, problem);

    /// <summary>The size in bytes, or false and the problem (without the text itself) in words.</summary>
    public static bool TryParse(string text, out long bytes, [NotNullWhen(false)] out string? problem)
    {
        bytes = 0;
        var match = Size().Match(text);
        problem = !match.Success ? "expected a number and a unit, e.g. 16GB"
            : match.Groups[2].Length == 0 ? $"missing memory unit; {UnitHelp}"
            : !Units.ContainsKey(match.Groups[2].Value) ? $"unknown memory unit '{match.Groups[2].Value}'; {UnitHelp}"
            : null;
        if (problem is not null) return false;

        var value = decimal.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * Units[match.Groups[2].Value];
        if (value > long.MaxValue)
        {
            problem = "the size is too large";
            return false;
        }
        bytes = (long)value;
        return true;
    }

    [GeneratedRegex(@"^\s*(\d{1,15}(?:\.\d{1,6})?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex Size();
}
