using System.Text.RegularExpressions;

namespace Dstack.Core.Tests.Architecture;

/// <summary>
/// The table of rooms in <c>docs/ARCHITECTURE.md</c> (under "## Rooms"): each room, the rooms it may use, and the known
/// exceptions (<c>Room: why; …</c>). The document is the rule the dependency test holds the code to.
/// </summary>
public sealed partial class RoomTable(IReadOnlyDictionary<string, IReadOnlySet<string>> mayUse, IReadOnlyDictionary<string, IReadOnlySet<string>> exceptions)
{
    public IEnumerable<string> Rooms => mayUse.Keys;

    /// <summary>What the room may use, known exceptions included.</summary>
    public IReadOnlySet<string> Allowed(string room) =>
        mayUse.TryGetValue(room, out var rooms) ? rooms.Union(exceptions[room], StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal) : new HashSet<string>();

    public IReadOnlySet<string> Exceptions(string room) => exceptions.TryGetValue(room, out var rooms) ? rooms : new HashSet<string>();

    public static RoomTable Parse(string markdown)
    {
        var section = markdown[markdown.IndexOf("\n## Rooms", StringComparison.Ordinal)..];
        var rows = section.Split('\n').Skip(1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2);
        var mayUse = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var exceptions = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var cells = row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var room = cells[0].Trim('`');
            mayUse[room] = cells[2].Split(',').Select(r => r.Trim().Trim('`')).Where(r => r.Length > 0 && r != "—").ToHashSet(StringComparer.Ordinal);
            exceptions[room] = ExceptionName().Matches(cells[3]).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        }
        return new RoomTable(mayUse, exceptions);
    }

    [GeneratedRegex(@"(?:^|;\s*)`?([\w/.]+)`?:")]
    private static partial Regex ExceptionName();
}
