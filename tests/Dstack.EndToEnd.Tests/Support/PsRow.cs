namespace Dstack.EndToEnd.Tests.Support;

/// <summary>One row of the <c>dstack ps</c> table.</summary>
public sealed record PsRow(string Run, string Workflow, string User, string Status, string Reason)
{
    private static readonly string[] Finished = ["Done", "Failed", "Stopped", "Aborted"];

    public bool IsFinished => Finished.Contains(Status);

    public static IReadOnlyList<PsRow> Parse(string table)
    {
        // The table ends at the first blank line; `ps RUN` prints the run's details after it.
        var lines = table.Split("\n\n")[0].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("RUN", StringComparison.Ordinal))
            throw new FormatException($"Not a ps table:\n{table}");
        var header = lines[0];
        string[] columns = ["RUN", "WORKFLOW", "SUBMITTED", "USER", "STATUS", "REASON"];
        var starts = columns.Select(c => header.IndexOf(c, StringComparison.Ordinal)).ToArray();
        if (starts.Any(s => s < 0)) throw new FormatException($"Missing columns in ps header: {header}");
        string Cell(string line, int i)
        {
            if (line.Length <= starts[i]) return "";
            var end = i + 1 < starts.Length ? Math.Min(starts[i + 1], line.Length) : line.Length;
            return line[starts[i]..end].Trim();
        }
        return lines.Skip(1).Select(l => new PsRow(Cell(l, 0), Cell(l, 1), Cell(l, 3), Cell(l, 4), Cell(l, 5))).ToList();
    }

    public override string ToString() => $"{Run} {Workflow} {Status} '{Reason}'";
}
