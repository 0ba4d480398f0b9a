using System.Text;

namespace Dstack.Core.Tests.Architecture;

/// <summary>C# source with its comments and string and character literals left out: prose that names a room is no use of it.</summary>
public static class CodeText
{
    public static string Strip(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            var next = At(source, i + 1);
            if (c == '/' && next == '/') i = source.IndexOf('\n', i) is var end and >= 0 ? end : source.Length;
            else if (c == '/' && next == '*') i = source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : source.Length;
            else if (c == '"' && next == '"' && At(source, i + 2) == '"') i = SkipRaw(source, i);
            else if (c == '@' && next == '"') i = SkipVerbatim(source, i + 2);
            else if (c == '@' && next == '$' && At(source, i + 2) == '"') i = SkipVerbatim(source, i + 3);
            else if (c is '"' or '\'') i = SkipQuoted(source, i + 1, c);
            else
            {
                code.Append(c);
                i++;
                continue;
            }
            code.Append(' ');
        }
        return code.ToString();
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int SkipQuoted(string s, int i, char quote)
    {
        while (i < s.Length && s[i] != quote && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
        return Math.Min(i + 1, s.Length);
    }

    private static int SkipVerbatim(string s, int i)
    {
        while (i < s.Length)
        {
            if (s[i] == '"' && At(s, i + 1) == '"') i += 2;
            else if (s[i] == '"') return i + 1;
            else i++;
        }
        return s.Length;
    }

    /// <summary>A raw literal ends at as many quotes as it opened with.</summary>
    private static int SkipRaw(string s, int i)
    {
        var start = i;
        while (At(s, i) == '"') i++;
        var fence = new string('"', i - start);
        var end = s.IndexOf(fence, i, StringComparison.Ordinal);
        return end < 0 ? s.Length : end + fence.Length;
    }
}
