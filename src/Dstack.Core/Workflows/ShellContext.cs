namespace Dstack.Core.Workflows;

/// <summary>What surrounds a position in a shell command, as far as quoting goes: it decides how a value may be put there.</summary>
public enum ShellContext
{
    /// <summary>Unquoted: at the top level, or inside <c>$( )</c> or backticks.</summary>
    Code,
    DoubleQuoted,
    SingleQuoted,
    /// <summary>Bash's <c>$'…'</c>.</summary>
    AnsiCQuoted,
    /// <summary>Inside <c>$(( ))</c>.</summary>
    Arithmetic,
}
