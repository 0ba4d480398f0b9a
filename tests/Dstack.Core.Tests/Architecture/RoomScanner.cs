using System.Text.RegularExpressions;

namespace Dstack.Core.Tests.Architecture;

/// <summary>
/// Which rooms each source file uses, read from its text: <c>using</c> directives, fully qualified names
/// (<c>Dstack.Core.Local.PosixProcess</c>), names qualified from an enclosing namespace (<c>Local.PosixProcess</c>, which
/// C# resolves inside <c>Dstack.Core</c>), and bare names of types declared in an enclosing room (<c>Compute</c> from
/// <c>Compute/Ssh</c>). Comments and literals do not count.
/// </summary>
public static partial class RoomScanner
{
    /// <summary>The room a namespace belongs to: <c>Dstack.Core.Compute.Ssh</c> is <c>Compute/Ssh</c>; each project
    /// outside Core is one room.</summary>
    public static string RoomOf(string ns) =>
        ns == "Dstack.Cli" || ns.StartsWith("Dstack.Cli.", StringComparison.Ordinal) ? "Dstack.Cli"
        : ns == "Dstack.Storage.S3" || ns.StartsWith("Dstack.Storage.S3.", StringComparison.Ordinal) ? "Dstack.Storage.S3"
        : ns.StartsWith("Dstack.Core.", StringComparison.Ordinal) ? ns["Dstack.Core.".Length..].Replace('.', '/')
        : ns;

    /// <summary>Each file with its room and the other rooms it uses.</summary>
    public static IReadOnlyList<RoomUse> Scan(IReadOnlyList<(string Path, string Text)> files)
    {
        var parsed = files.Select(f =>
        {
            var code = CodeText.Strip(f.Text);
            var ns = FileNamespace().Match(code) is { Success: true } m ? m.Groups[1].Value : "";
            return (f.Path, Code: code, Namespace: ns);
        }).ToList();
        var declared = parsed
            .GroupBy(f => f.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var namespaces = declared.Keys.Where(n => n.Length > 0).ToList();
        // Inside Dstack.Core (or Dstack), Local.PosixProcess and Core.Local.PosixProcess name Dstack.Core.Local.PosixProcess.
        var partlyQualified = namespaces.Where(n => n.StartsWith("Dstack.Core.", StringComparison.Ordinal))
            .Select(n => (Namespace: n, Pattern: new Regex(@"(?<![\w.])(?:Core\.)?" + Regex.Escape(n["Dstack.Core.".Length..]) + @"\.([A-Z]\w*)")))
            .ToList();

        return parsed.Select(f =>
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in UsingDirective().Matches(f.Code)) used.Add(Owner(m.Groups[1].Value, namespaces));
            foreach (Match m in QualifiedName().Matches(f.Code)) used.Add(Owner(m.Groups[1].Value, namespaces));
            foreach (var (ns, pattern) in partlyQualified)
            {
                if (pattern.Matches(f.Code).Any(m => declared[ns].Contains(m.Groups[1].Value))) used.Add(ns);
                // Types of an enclosing namespace are in scope without a using.
                if (f.Namespace.StartsWith(ns + ".", StringComparison.Ordinal)
                    && BareName().Matches(f.Code).Any(m => declared[ns].Contains(m.Groups[1].Value)))
                    used.Add(ns);
            }
            var room = RoomOf(f.Namespace);
            var rooms = used.Where(u => u.StartsWith("Dstack", StringComparison.Ordinal)).Select(RoomOf).Where(r => r != room);
            return new RoomUse(f.Path, room, rooms.ToHashSet(StringComparer.Ordinal));
        }).ToList();
    }

    /// <summary>The longest known namespace a name starts with (a <c>using static</c> names a type); the name itself when none.</summary>
    private static string Owner(string name, IReadOnlyList<string> namespaces) =>
        namespaces.Where(n => name == n || name.StartsWith(n + ".", StringComparison.Ordinal)).MaxBy(n => n.Length) ?? name;

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?(Dstack(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?(Dstack(?:\.\w+)+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)")]
    private static partial Regex BareName();
}
