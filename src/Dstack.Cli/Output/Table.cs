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
        var sb = new StringBuilder();
        Append(sb, headers.Select(Ansi.Bold).ToArray(), widths, headers);
        foreach (var row in _rows) Append(sb, row, widths, row);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string[] cells, int[] widths, string[] plain)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(cells[i]);
            if (i < cells.Length - 1) line.Append(' ', widths[i] - Ansi.VisibleLength(plain[i]) + 2);
        }
        sb.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
