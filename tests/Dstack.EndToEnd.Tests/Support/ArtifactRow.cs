namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// One row of the <c>dstack artifacts list</c> table. The ARTIFACT cell is printed only on the first row of
/// its group; parsed rows carry it on every row.
/// </summary>
public sealed record ArtifactRow(string Artifact, string File, string Size)
{
    public static IReadOnlyList<ArtifactRow> Parse(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("ARTIFACT", StringComparison.Ordinal))
            throw new FormatException($"Not an artifacts table:\n{table}");
        var header = lines[0];
        var file = header.IndexOf("FILE", StringComparison.Ordinal);
        var size = header.IndexOf("SIZE", StringComparison.Ordinal);
        if (file < 0 || size < 0) throw new FormatException($"Missing columns in the artifacts header: {header}");
        string Cell(string line, int from, int to) => line.Length <= from ? "" : line[from..Math.Min(to, line.Length)].Trim();
        var rows = new List<ArtifactRow>();
        var group = "";
        foreach (var line in lines.Skip(1))
        {
            var artifact = Cell(line, 0, file);
            if (artifact.Length > 0) group = artifact;
            rows.Add(new ArtifactRow(group, Cell(line, file, size), Cell(line, size, int.MaxValue)));
        }
        return rows;
    }

    public override string ToString() => $"{Artifact} | {File} | {Size}";
}
