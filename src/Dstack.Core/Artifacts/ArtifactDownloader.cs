using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Artifacts;

/// <summary>
/// Writes artifact versions into a local folder as <c>DIR/&lt;artifact path&gt;/…</c>. Files already identical are
/// skipped; different local files are never overwritten without <c>force</c>, and in that case nothing is written.
/// </summary>
public sealed class ArtifactDownloader(ArtifactStore store)
{
    public sealed record Plan(IReadOnlyList<(SnapshotEntry Entry, string Dest)> Writes, int Identical, long Bytes);

    public async Task<Plan> PlanAsync(IEnumerable<ArtifactVersion> versions, string outDir, bool force, CancellationToken ct)
    {
        var writes = new List<(SnapshotEntry, string)>();
        var conflicts = new List<string>();
        var identical = 0;
        foreach (var version in versions)
        {
            var manifest = await store.GetManifestAsync(version, ct);
            var root = Path.Combine(outDir, LocalFolder(version.Path));
            foreach (var entry in manifest.Entries)
            {
                var dest = Path.Combine(root, entry.Path);
                switch (await CompareAsync(entry, dest, ct))
                {
                    case Match.Same: identical++; break;
                    case Match.Missing: writes.Add((entry, dest)); break;
                    case Match.Different:
                        conflicts.Add(Path.GetRelativePath(outDir, dest));
                        writes.Add((entry, dest));
                        break;
                }
            }
        }
        if (conflicts.Count > 0 && !force)
            throw new DstackException(
                $"{conflicts.Count} local file(s) differ from the artifacts, e.g. {conflicts[0]}; nothing was written. Use --force to overwrite them.");
        return new Plan(writes, identical, writes.Sum(w => w.Item1.Size));
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
        await Parallel.ForEachAsync(plan.Writes.Where(w => !w.Entry.IsDir), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (w, token) =>
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
                await store.Trees.Blobs.GetFileAsync(entry.Blob!, temp, token);
                File.SetUnixFileMode(temp, (UnixFileMode)entry.Mode);
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
        return await BlobStore.HashFileAsync(dest, ct) == entry.Blob ? Match.Same : Match.Different;
    }
}
