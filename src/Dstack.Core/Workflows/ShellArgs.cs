namespace Dstack.Core.Workflows;

/// <summary>
/// How a job's commands get <c>${{ run.args }}</c> without any argument ever becoming code. The arguments are set
/// once, quoted, at the top of the script: as the positional parameters, and as their command-line text (each
/// shell-quoted, joined by spaces) in <see cref="TextVariable"/>. Each use of the template becomes a reference
/// that suits where it sits: unquoted, the shell gets the original tokens (<c>"$@"</c>); inside quotes, the
/// command-line text, which a nested shell (<c>bash -c '…'</c>, <c>ssh host "…"</c>) parses back into the same tokens.
/// </summary>
public static class ShellArgs
{
    public const string TextVariable = "DSTACK_RUN_ARGS";

    /// <summary>The script line that sets the arguments; every character of them is inside single quotes.</summary>
    public static string Preamble(IReadOnlyList<string> args)
    {
        var joined = ShellQuote.Join(args);
        return $"set -- {joined}; {TextVariable}={ShellQuote.Quote(joined)}";
    }

    /// <summary>What stands for the arguments at a place of this kind.</summary>
    public static string Reference(ShellContext context) => context switch
    {
        ShellContext.Code => "\"$@\"",
        ShellContext.DoubleQuoted => $"${{{TextVariable}}}",
        // Close the quotes, put the text in double quotes, reopen.
        ShellContext.SingleQuoted => $"'\"${{{TextVariable}}}\"'",
        ShellContext.AnsiCQuoted => $"'\"${{{TextVariable}}}\"$'",
        // A number is expected: the words as they are (bash evaluates them as an expression, never as a command).
        ShellContext.Arithmetic => "$*",
        _ => throw new ArgumentOutOfRangeException(nameof(context), context, null),
    };
}
