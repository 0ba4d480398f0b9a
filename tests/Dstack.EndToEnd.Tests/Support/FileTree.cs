using System.IO.Enumeration;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>A folder described line by line, the way a reviewer would compare two trees.</summary>
public static class FileTree
{
    /// <summary>
    /// One sorted line per entry under <paramref name="root"/>: <c>a.txt 644 "content"</c> for a file,
    /// <c>dir/</c> for a folder, <c>link -> target</c> for a symlink (never followed).
    /// </summary>
    public static IReadOnlyList<string> Describe(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        var entries = new FileSystemEnumerable<string>(root, (ref FileSystemEntry e) => e.ToFullPath(), options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0, // links are not entered
        };
        return entries
            .Select(full =>
            {
                var rel = Path.GetRelativePath(root, full);
                var info = new FileInfo(full);
                if (info.LinkTarget is { } target) return $"{rel} -> {target}";
                if (!info.Exists) return rel + "/";
                var mode = Convert.ToString((int)info.UnixFileMode, 8);
                return $"{rel} {mode} \"{File.ReadAllText(full)}\"";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
