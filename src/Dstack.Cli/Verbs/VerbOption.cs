namespace Dstack.Cli.Verbs;

/// <summary>
/// One option of a verb: every name it answers to, its value's placeholder (null for a flag) and its help line.
/// <see cref="ArgReader"/> takes only options the verb declares, and the verb's help lists exactly those, so an
/// option cannot be parsed without being documented.
/// </summary>
public sealed record VerbOption(IReadOnlyList<string> Names, string? Value, string Help)
{
    /// <summary>Every verb answers to it; <c>Program</c> handles it before the verb runs.</summary>
    public static readonly VerbOption ShowHelp = new(["-h", "--help"], null, "Show this help");

    /// <summary>How the option reads in help: <c>-s, --since SINCE</c>.</summary>
    public string Synopsis => string.Join(", ", Names) + (Value is null ? "" : " " + Value);
}
