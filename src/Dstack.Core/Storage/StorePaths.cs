using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// Paths read from the store (manifest entries, artifact paths), checked before anything is written with them: whoever
/// can write the store must not be able to make dstack write outside the folder it writes into.
/// </summary>
public static class StorePaths
{
    /// <summary>Why a manifest entry's path is unsafe, or null: it must be relative and <c>/</c>-separated, with no empty, <c>.</c> or <c>..</c> part and no NUL.</summary>
    public static string? EntryProblem(string path) =>
        path.Length == 0 ? "empty"
        : path.Contains('\0') ? "contains NUL"
        : path.StartsWith('/') ? "absolute"
        : path.Split('/').Any(p => p is "" or "." or "..") ? "not a plain relative path (an empty, '.' or '..' part)"
        : null;

    /// <summary>
    /// Why a path relative to a folder (an artifact's, as a workflow declared it) is unsafe there, or null: it must not be
    /// empty, absolute, hold a NUL, or climb above the folder with <c>..</c>.
    /// </summary>
    public static string? RelativeProblem(string path)
    {
        if (path.Length == 0) return "empty";
        if (path.Contains('\0')) return "contains NUL";
        if (path.StartsWith('/')) return "absolute";
        var depth = 0;
        foreach (var part in path.Split('/'))
        {
            if (part == "..") depth--;
            else if (part is not ("" or ".")) depth++;
            if (depth < 0) return "climbs out with '..'";
        }
        return null;
    }

    /// <summary>
    /// Checks every entry of a manifest (of <paramref name="owner"/>, e.g. <c>run wet-fox-1</c>) before anything is written
    /// from it: paths as <see cref="EntryProblem"/> wants them, each listed once, none below a file or symlink of the
    /// same manifest (so nothing is ever written through a link it creates), and file content named by a SHA-256.
    /// </summary>
    public static void Validate(SnapshotManifest manifest, string owner)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Entries)
        {
            if (EntryProblem(entry.Path) is { } problem) throw StoreContentException.UnsafePath(entry.Path, owner, problem);
            if (!seen.Add(entry.Path)) throw StoreContentException.UnsafePath(entry.Path, owner, "listed twice");
            if (entry.LinkTarget is { } target && (target.Length == 0 || target.Contains('\0')))
                throw StoreContentException.UnsafePath(entry.Path, owner, "a symlink with an empty or NUL target");
            if (!entry.IsDir && entry.LinkTarget is null && !BlobStore.IsHash(entry.Blob))
                throw StoreContentException.NotAHash(entry.Blob ?? "", owner);
        }
        CheckNoneThrough(manifest.Entries.Select(e => (e.Path, e)), owner);
    }

    /// <summary>
    /// Refuses a tree (the entries of one or several manifests written in one go, by their paths in it) where a path goes
    /// through a file or symlink that the same tree creates: what is written through a link lands wherever it points.
    /// </summary>
    public static void CheckNoneThrough(IEnumerable<(string Path, SnapshotEntry Entry)> entries, string owner)
    {
        var list = entries as IReadOnlyCollection<(string Path, SnapshotEntry Entry)> ?? entries.ToList();
        var leaves = list.Where(e => !e.Entry.IsDir).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var (path, _) in list)
            for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
                if (leaves.Contains(path[..slash]))
                    throw StoreContentException.UnsafePath(path, owner, $"goes through '{StoreContentException.Shown(path[..slash])}', a file or symlink it also creates");
    }

    /// <summary>
    /// Where <paramref name="relative"/> (a path under <paramref name="root"/>) really is: the existing parts of the path are
    /// followed through their symlinks, as the system would. Null when that leads outside <paramref name="root"/> (itself
    /// resolved the same way) with <c>..</c>, by being absolute, through a symlink, or through a loop of links. The result has no symlink in any existing part.
    /// </summary>
    public static string? Resolve(string root, string relative)
    {
        if (relative.Contains('\0')) return null;
        var realRoot = Walk("/", Parts(Path.GetFullPath(root)), "/")!;
        var full = Path.GetFullPath(Path.Combine(realRoot, relative));
        var rest = Path.GetRelativePath(realRoot, full);
        if (rest == ".") return realRoot;
        if (rest == ".." || rest.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(rest)) return null;
        return Walk(realRoot, Parts(rest), realRoot);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both full, without a trailing <c>/</c>).</summary>
    public static bool IsWithin(string path, string root) =>
        path == root || path.StartsWith(root == "/" ? root : root + "/", StringComparison.Ordinal);

    private static List<string> Parts(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();

    private const int MaxLinks = 40; // as the kernel allows (ELOOP)

    /// <summary>Follows <paramref name="parts"/> from <paramref name="start"/> (link-free), staying within <paramref name="confine"/>.</summary>
    private static string? Walk(string start, List<string> parts, string confine)
    {
        var current = start;
        var pending = new Queue<string>(parts);
        for (var links = 0; pending.TryDequeue(out var part);)
        {
            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) return null;
            // `current` has no link in it, so a target's '..' is resolved lexically, exactly as the system does.
            var resolved = Path.GetFullPath(target, current);
            if (!IsWithin(resolved, confine)) return null;
            pending = new Queue<string>(Parts(Path.GetRelativePath(confine, resolved)).Where(p => p != ".").Concat(pending));
            current = confine;
        }
        return current;
    }
}
