using System.IO.Enumeration;

namespace Dstack.Core.Artifacts;

/// <summary>
/// What an artifact folder holds: every file, folder and symlink under it. A symlink is listed as itself
/// and never entered, even when it points at a folder: a link out of the folder (or to <c>/</c>, or a cycle)
/// is stored as its target text, never as what it points at.
/// </summary>
public static class ArtifactFolder
{
    /// <summary>Paths relative to <paramref name="folder"/>, <c>/</c>-separated; empty when the folder is missing.</summary>
    public static List<string> Scan(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var entries = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.ToFullPath(), options)
        {
            // The default enumeration recurses into a symlink that points at a folder.
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return entries.Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/')).ToList();
    }

    /// <summary>The bytes of the regular files <see cref="Scan"/> finds (links count as nothing).</summary>
    public static long Size(string folder) =>
        Scan(folder).Select(rel => new FileInfo(Path.Combine(folder, rel))).Where(f => f.LinkTarget is null && f.Exists).Sum(f => f.Length);
}
