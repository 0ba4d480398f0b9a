using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Artifacts;

/// <summary>
/// Writes artifact versions into a local folder as <c>DIR/&lt;artifact path&gt;/…</c>. Files already identical are
/// skipped; different local files are never overwritten without <c>force</c>, and in that case nothing is written.
/// Nothing is ever written outside DIR: paths from the store are checked first, a symlink already in DIR that leads out
/// of it is refused, and no path goes through a link that the download itself creates.
/// </summary>
public sealed class ArtifactDownloader(ArtifactStore store)
{
    public sealed record Plan(IReadOnlyList<(SnapshotEntry Entry, string Dest)> Writes, int Identical, long Bytes, string Owner);

    /// <param name="owner">whose artifacts these are, for messages: <c>run wet-fox-1</c>, <c>tag best</c>.</param>
    public async Task<Plan> PlanAsync(IEnumerable<ArtifactVersion> versions, string outDir, bool force, string owner, CancellationToken ct)
    {
        var tree = new List<(string Path, SnapshotEntry Entry)>();
        foreach (var version in versions)
        {
            var folder = LocalFolder(version.Path);
            if (StorePaths.RelativeProblem(folder) is { } problem) throw StoreContentException.UnsafePath(version.Path, owner, problem);
            folder = Path.GetRelativePath(outDir, Path.GetFullPath(folder, outDir));
            var manifest = await store.GetManifestAsync(version, owner, ct);
            tree.AddRange(manifest.Entries.Select(e => (folder == "." ? e.Path : $"{folder}/{e.Path}", e)));
        }
        StorePaths.CheckNoneThrough(tree, owner);

        var writes = new List<(SnapshotEntry, string)>();
        var conflicts = new List<string>();
        var identical = 0;
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, entry) in tree)
        {
            var dest = entry.IsDir ? Inside(outDir, path, folders) : Path.Combine(Inside(outDir, Path.GetDirectoryName(path)!, folders), Path.GetFileName(path));
            switch (await CompareAsync(entry, dest, ct))
            {
                case Match.Same: identical++; break;
                case Match.Missing: writes.Add((entry, dest)); break;
                case Match.Different:
                    conflicts.Add(path);
                    writes.Add((entry, dest));
                    break;
            }
        }
        if (conflicts.Count > 0 && !force)
            throw ArtifactException.LocalFilesDiffer(conflicts.Count, conflicts[0]);
        return new Plan(writes, identical, writes.Sum(w => w.Item1.Size), owner);
    }

    /// <summary>Where a folder of the tree really is under DIR (symlinks already there followed), refused when that is outside.</summary>
    private static string Inside(string outDir, string folder, Dictionary<string, string> resolved)
    {
        if (resolved.TryGetValue(folder, out var known)) return known;
        return resolved[folder] = StorePaths.Resolve(outDir, folder) ?? throw PathEscapeException.Download(folder, outDir);
    }

    /// <summary>
    /// Writes the plan. Each file arrives under a temp name and is renamed when complete; a failed write (a full disk, a
    /// cancel) leaves no temp file behind, and a full disk is a user error naming it.
    /// </summary>
    public async Task ApplyAsync(Plan plan, Action<long> progress, CancellationToken ct)
    {
        foreach (var (entry, dest) in plan.Writes.Where(w => w.Entry.IsDir))
            try { Directory.CreateDirectory(dest); }
            catch (IOException e) when (DiskFullException.IsDiskFull(e)) { throw DiskFullException.At(dest, e); }
        await Parallel.ForEachAsync(plan.Writes.Where(w => !w.Entry.IsDir), new ParallelOptions { MaxDegreeOfParallelism = store.Trees.ReadParallelism, CancellationToken = ct }, async (w, token) =>
        {
            var (entry, dest) = w;
            var temp = dest + ".dstack-partial";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                if (File.Exists(dest) || new FileInfo(dest).LinkTarget is not null) File.Delete(dest);
                if (entry.LinkTarget is { } target)
                {
                    File.CreateSymbolicLink(dest, target);
                    return;
                }
                File.Delete(temp); // a crashed download's; the content is then created anew, never through a link of that name
                await store.Trees.Blobs.GetFileAsync(entry.Blob!, entry.Size, temp, plan.Owner, token);
                File.SetUnixFileMode(temp, SnapshotStore.PermissionsOf(entry));
                File.Move(temp, dest, overwrite: true);
            }
            catch (Exception e)
            {
                try { File.Delete(temp); }
                catch (IOException) { }
                if (DiskFullException.IsDiskFull(e)) throw DiskFullException.At(Path.GetDirectoryName(dest)!, e);
                throw;
            }
            progress(entry.Size);
        });
    }

    /// <summary>An absolute artifact path (a cache folder, say) lands under DIR without its leading <c>/</c>.</summary>
    public static string LocalFolder(string artifactPath) => artifactPath.TrimStart('/');

    private enum Match { Missing, Same, Different }

    private static async Task<Match> CompareAsync(SnapshotEntry entry, string dest, CancellationToken ct)
    {
        var info = new FileInfo(dest);
        if (entry.IsDir) return Directory.Exists(dest) ? Match.Same : info.Exists ? Match.Different : Match.Missing;
        if (info.LinkTarget is { } target) return entry.LinkTarget == target ? Match.Same : Match.Different;
        if (!info.Exists) return Directory.Exists(dest) ? Match.Different : Match.Missing;
        if (entry.LinkTarget is not null || info.Length != entry.Size) return Match.Different;
        return await ContentHash.OfFileAsync(dest, ct) == entry.Blob ? Match.Same : Match.Different;
    }
}
