using Dstack.Cli;
using System.Net;
using System.Text;

namespace Dstack.Dashboard;

/// <summary>
/// A log line as HTML: its text encoded (a line <c>&lt;script&gt;</c> shows as text), its SGR colour codes (bold, the 16
/// foreground and background colours) as spans with classes the page styles; any other escape sequence is dropped.
/// The state starts plain on every call: a colour left open at a line's end is closed there.
/// </summary>
public static class AnsiHtml
{
    public static string Convert(string text)
    {
        var html = new StringBuilder(text.Length + 16);
        var (bold, fg, bg) = (false, 0, 0);
        var open = false;
        var i = 0;
        while (i < text.Length)
        {
            var esc = text.IndexOf('\u001b', i);
            var end = esc < 0 ? text.Length : esc;
            if (end > i) html.Append(WebUtility.HtmlEncode(text[i..end]));
            if (esc < 0) break;
            i = SkipSequence(text, esc, out var sgr);
            if (sgr is null) continue;
            foreach (var code in sgr)
            {
                switch (code)
                {
                    case 0: (bold, fg, bg) = (false, 0, 0); break;
                    case 1: bold = true; break;
                    case 22: bold = false; break;
                    case >= 30 and <= 37 or >= 90 and <= 97: fg = code; break;
                    case 39: fg = 0; break;
                    case >= 40 and <= 47 or >= 100 and <= 107: bg = code; break;
                    case 49: bg = 0; break;
                }
            }
            if (open) html.Append("</span>");
            open = bold || fg != 0 || bg != 0;
            if (open)
                html.Append("<span class=\"").Append(string.Join(' ', new[] { bold ? "b" : null, fg != 0 ? $"f{fg}" : null, bg != 0 ? $"g{bg}" : null }.OfType<string>())).Append("\">");
        }
        if (open) html.Append("</span>");
        return html.ToString();
    }

    /// <summary>The index after the escape sequence at <paramref name="esc"/>; <paramref name="sgr"/>: its codes when it sets colours.</summary>
    private static int SkipSequence(string text, int esc, out List<int>? sgr)
    {
        sgr = null;
        if (esc + 1 >= text.Length || text[esc + 1] != '[') return Math.Min(text.Length, esc + 2);
        var j = esc + 2;
        while (j < text.Length && text[j] is >= '0' and <= '9' or ';' or '?') j++;
        if (j >= text.Length) return text.Length;
        if (text[j] == 'm')
        {
            sgr = [];
            var codes = text[(esc + 2)..j];
            // 38;5;N and 38;2;R;G;B (256 and true colours) are skipped whole, not read as their parts.
            var parts = codes.Length == 0 ? ["0"] : codes.Split(';');
            for (var k = 0; k < parts.Length; k++)
            {
                if (!int.TryParse(parts[k], out var code)) continue;
                if (code is 38 or 48) { k += k + 1 < parts.Length && parts[k + 1] == "5" ? 2 : 4; continue; }
                sgr.Add(code);
            }
        }
        return j + 1;
    }
}
