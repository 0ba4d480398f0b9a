using System.Text;

namespace Dstack.Cli.Output;

/// <summary>A borderless table: a header row and left-aligned columns separated by two spaces.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => Ansi.VisibleLength(r[i])).DefaultIfEmpty(0).Max())).ToArray();
        // One builder for the whole table: `ps -a` of 10,000 runs makes no garbage per row.
        var sb = new StringBuilder((_rows.Count + 1) * (widths.Sum() + 2 * widths.Length + 1));
        Append(sb, headers.Select(Ansi.Bold).ToArray(), widths, headers);
        foreach (var row in _rows) Append(sb, row, widths, row);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string[] cells, int[] widths, string[] plain)
    {
        var start = sb.Length;
        for (var i = 0; i < cells.Length; i++)
        {
            sb.Append(cells[i]);
            if (i < cells.Length - 1) sb.Append(' ', widths[i] - Ansi.VisibleLength(plain[i]) + 2);
        }
        var end = sb.Length;
        while (end > start && char.IsWhiteSpace(sb[end - 1])) end--;
        sb.Length = end;
        sb.Append('\n');
    }
}
