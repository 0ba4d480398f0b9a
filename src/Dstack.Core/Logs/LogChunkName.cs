using System.Globalization;

namespace Dstack.Core.Logs;

/// <summary>
/// A log chunk's object name. Since format 2 it says, besides the chunk's number, when its last entry was written,
/// how many lines end in it, and whether it stops mid-line (<c>0000000007-1764625000123-2048p.log</c>), so that a
/// reader can skip chunks for <c>--since</c> and find the last lines for <c>--tail</c> from a listing alone.
/// Chunks written before that are named by number alone (<c>0000000007.log</c>): every field but the number is null.
/// The number comes first, at a fixed width, so that names sort in the order they were written.
/// </summary>
public readonly record struct LogChunkName(long Seq, long? LastMs = null, int? Lines = null, bool EndsMidLine = false)
{
    public bool HasSummary => LastMs is not null && Lines is not null;

    public override string ToString() => HasSummary
        ? string.Create(CultureInfo.InvariantCulture, $"{Seq:D10}-{LastMs}-{Lines}{(EndsMidLine ? "p" : "")}.log")
        : string.Create(CultureInfo.InvariantCulture, $"{Seq:D10}.log");

    /// <summary>Null for a name that is not a log chunk's.</summary>
    public static LogChunkName? Parse(string name)
    {
        if (!name.EndsWith(".log", StringComparison.Ordinal)) return null;
        var parts = name[..^4].Split('-');
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return null;
        if (parts.Length == 1) return new LogChunkName(seq);
        if (parts.Length != 3) return null;
        var midLine = parts[2].EndsWith('p');
        var lines = midLine ? parts[2][..^1] : parts[2];
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || !int.TryParse(lines, NumberStyles.None, CultureInfo.InvariantCulture, out var count)) return null;
        return new LogChunkName(seq, last, count, midLine);
    }
}
