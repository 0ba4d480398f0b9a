namespace Dstack.Core.Workflows;

/// <summary>
/// A small lexer of POSIX sh and bash quoting: it tells, for spans of a command, whether they sit in code, in double,
/// single or <c>$'…'</c> quotes, or in arithmetic, following nesting through <c>$( )</c>, backticks, <c>${ }</c> and
/// <c>$(( ))</c>. It does not parse here-documents or <c>case</c> patterns: a wrong guess there changes the text that
/// is produced, never what runs, since what is put at a span is only ever a variable reference.
/// </summary>
public static class ShellQuoting
{
    private enum Frame { Code, CommandSubstitution, Backtick, Parameter, Arithmetic, Double, Single, AnsiC }

    /// <summary>The context of each span (sorted, not overlapping); the spans themselves are skipped as opaque words.</summary>
    public static ShellContext[] ContextsOf(string text, IReadOnlyList<(int Start, int End)> spans)
    {
        var contexts = new ShellContext[spans.Count];
        var stack = new Stack<(Frame Kind, int Depth)>();
        stack.Push((Frame.Code, 0));
        var next = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (next < spans.Count && i >= spans[next].Start)
            {
                contexts[next] = Effective(stack);
                i = Math.Max(i, spans[next++].End);
                continue;
            }
            var (kind, depth) = stack.Peek();
            var c = text[i];
            switch (kind)
            {
                case Frame.Single:
                    if (c == '\'') stack.Pop();
                    i++;
                    break;
                case Frame.AnsiC:
                    if (c == '\\') i++;
                    else if (c == '\'') stack.Pop();
                    i++;
                    break;
                case Frame.Double:
                    if (c == '\\') i += 2;
                    else if (c == '"') { stack.Pop(); i++; }
                    else if (c == '$') i = OpenDollar(text, i, stack, allowAnsiC: false);
                    else if (c == '`') { stack.Push((Frame.Backtick, 0)); i++; }
                    else i++;
                    break;
                default:
                    i = Code(text, i, stack, kind, depth);
                    break;
            }
        }
        for (; next < spans.Count; next++) contexts[next] = Effective(stack);
        return contexts;
    }

    /// <summary>One step in an unquoted part: code, <c>$( )</c>, backticks, <c>${ }</c> or <c>$(( ))</c>.</summary>
    private static int Code(string text, int i, Stack<(Frame Kind, int Depth)> stack, Frame kind, int depth)
    {
        switch (text[i])
        {
            case '\\': return i + 2;
            case '\'': stack.Push((Frame.Single, 0)); return i + 1;
            case '"': stack.Push((Frame.Double, 0)); return i + 1;
            case '$': return OpenDollar(text, i, stack, allowAnsiC: true);
            case '`':
                if (kind == Frame.Backtick) stack.Pop();
                else stack.Push((Frame.Backtick, 0));
                return i + 1;
            case '(' when kind is Frame.CommandSubstitution or Frame.Arithmetic:
                stack.Pop();
                stack.Push((kind, depth + 1));
                return i + 1;
            case ')' when kind is Frame.CommandSubstitution or Frame.Arithmetic:
                stack.Pop();
                if (depth > 0) stack.Push((kind, depth - 1));
                // $(( … )) ends with two parentheses.
                return kind == Frame.Arithmetic && depth == 0 && i + 1 < text.Length && text[i + 1] == ')' ? i + 2 : i + 1;
            case '}' when kind == Frame.Parameter:
                stack.Pop();
                return i + 1;
            case '#' when kind is not (Frame.Parameter or Frame.Arithmetic) && (i == 0 || " \t\n;&|(".Contains(text[i - 1])):
                var end = text.IndexOf('\n', i);
                return end < 0 ? text.Length : end;
            default:
                return i + 1;
        }
    }

    private static int OpenDollar(string text, int i, Stack<(Frame Kind, int Depth)> stack, bool allowAnsiC)
    {
        var rest = text.AsSpan(i);
        if (rest.StartsWith("$((")) { stack.Push((Frame.Arithmetic, 0)); return i + 3; }
        if (rest.StartsWith("$(")) { stack.Push((Frame.CommandSubstitution, 0)); return i + 2; }
        if (rest.StartsWith("${")) { stack.Push((Frame.Parameter, 0)); return i + 2; }
        if (allowAnsiC && rest.StartsWith("$'")) { stack.Push((Frame.AnsiC, 0)); return i + 2; }
        return i + 1;
    }

    /// <summary>The context a value sees: <c>${ }</c> takes that of what surrounds it.</summary>
    private static ShellContext Effective(Stack<(Frame Kind, int Depth)> stack)
    {
        foreach (var (kind, _) in stack)
        {
            switch (kind)
            {
                case Frame.Parameter: continue;
                case Frame.Double: return ShellContext.DoubleQuoted;
                case Frame.Single: return ShellContext.SingleQuoted;
                case Frame.AnsiC: return ShellContext.AnsiCQuoted;
                case Frame.Arithmetic: return ShellContext.Arithmetic;
                default: return ShellContext.Code;
            }
        }
        return ShellContext.Code;
    }
}
