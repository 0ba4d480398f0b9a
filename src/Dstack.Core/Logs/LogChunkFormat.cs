using System.Globalization;
using System.Text;

namespace Dstack.Core.Logs;

/// <summary>
/// A log chunk is UTF-8 text, one entry per line: <c>&lt;unix ms&gt; &lt;text&gt;</c> for a whole line, or
/// <c>&lt;unix ms&gt;+&lt;text&gt;</c> for a partial line the job has not ended yet.
/// </summary>
public static class LogChunkFormat
{
    public static byte[] Encode(IEnumerable<LogEntry> entries)
    {
        var sb = new StringBuilder();
        foreach (var e in entries)
            sb.Append(e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
              .Append(e.EndsLine ? ' ' : '+').Append(e.Text).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static List<LogEntry> Decode(byte[] chunk)
    {
        var entries = new List<LogEntry>();
        foreach (var line in Encoding.UTF8.GetString(chunk).Split('\n'))
        {
            var sep = line.IndexOfAny([' ', '+']);
            if (sep <= 0 || !long.TryParse(line.AsSpan(0, sep), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                continue;
            entries.Add(new LogEntry(DateTimeOffset.FromUnixTimeMilliseconds(ms), line[(sep + 1)..], line[sep] == ' '));
        }
        return entries;
    }
}
