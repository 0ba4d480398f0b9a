using System.Globalization;
using System.Runtime.CompilerServices;

namespace Dstack.Core.Logs;

/// <summary>
/// A log chunk is UTF-8 text. Format 2 (written now) begins with <c>dstack-log 2 &lt;unix ms&gt;</c>, then groups: a
/// line <c>@&lt;ms since the previous group&gt; &lt;count&gt;</c> (with a trailing <c>+</c> when the group's last entry is a
/// line's start the job has not ended yet) followed by that many lines of text, as the job printed them. A time costs
/// a few bytes per millisecond rather than per line, so a log of short lines is stored at little more than its size.
/// Format 1 (read, for runs already in stores): one entry per line, <c>&lt;unix ms&gt; &lt;text&gt;</c> for a whole line or
/// <c>&lt;unix ms&gt;+&lt;text&gt;</c> for a partial one.
/// </summary>
public static class LogChunkFormat
{
    public const string Magic = "dstack-log 2";

    public static byte[] Encode(IEnumerable<LogEntry> entries)
    {
        var builder = new LogChunkBuilder();
        foreach (var e in entries) builder.Add(e);
        return builder.Seal(0).Data;
    }

    /// <summary>The entries of a chunk of either format, read from <paramref name="chunk"/> as they are yielded.</summary>
    public static async IAsyncEnumerable<LogEntry> DecodeAsync(Stream chunk, [EnumeratorCancellation] CancellationToken ct)
    {
        var lines = new LogLineReader(chunk);
        if (await lines.ReadLineAsync(ct) is not { } first) yield break;
        if (first.StartsWith(Magic + " ", StringComparison.Ordinal))
        {
            if (!long.TryParse(first.AsSpan(Magic.Length + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)) yield break;
            while (await lines.ReadLineAsync(ct) is { } header)
            {
                if (!TryParseGroup(header, out var delta, out var count, out var partial)) yield break;
                ms += delta;
                var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                for (var i = 0; i < count; i++)
                {
                    if (await lines.ReadLineAsync(ct) is not { } text) yield break;
                    yield return new LogEntry(at, text, !(partial && i == count - 1));
                }
            }
            yield break;
        }
        for (var line = first; line is not null; line = await lines.ReadLineAsync(ct))
            if (TryParseFormat1(line) is { } entry) yield return entry;
    }

    private static bool TryParseGroup(string header, out long delta, out int count, out bool partial)
    {
        delta = 0;
        count = 0;
        partial = header.EndsWith('+');
        var space = header.IndexOf(' ');
        return header.StartsWith('@') && space > 1
            && long.TryParse(header.AsSpan(1, space - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out delta)
            && int.TryParse(header.AsSpan(space + 1, header.Length - space - 1 - (partial ? 1 : 0)), NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    private static LogEntry? TryParseFormat1(string line)
    {
        var sep = line.IndexOfAny([' ', '+']);
        if (sep <= 0 || !long.TryParse(line.AsSpan(0, sep), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return null;
        return new LogEntry(DateTimeOffset.FromUnixTimeMilliseconds(ms), line[(sep + 1)..], line[sep] == ' ');
    }
}
