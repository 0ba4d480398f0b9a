namespace Dstack.EndToEnd.Tests.Support;

/// <summary>A table the CLI prints (a header, then rows), cells cut at the header's column starts.</summary>
public static class TextTable
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string table)
    {
        var lines = table.Split("\n\n")[0].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) throw new FormatException("Not a table: no header line.");
        var header = lines[0];
        var columns = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var starts = columns.Select(c => header.IndexOf(c, StringComparison.Ordinal)).ToArray();
        return lines.Skip(1).Select(line =>
            (IReadOnlyDictionary<string, string>)columns.Select((c, i) =>
            {
                var end = i + 1 < starts.Length ? Math.Min(starts[i + 1], line.Length) : line.Length;
                return (c, line.Length <= starts[i] ? "" : line[starts[i]..end].Trim());
            }).ToDictionary(x => x.c, x => x.Item2)).ToList();
    }
}
