using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Runner;

/// <summary>
/// Saves a <c>mount: true</c> artifact while the job runs, without FUSE: each pass stores the files that
/// changed and have been quiet for a moment (a file still being written keeps its previous version),
/// then publishes a new version if anything changed. A killed job keeps its last checkpoint.
/// </summary>
internal sealed class LiveArtifactSaver(ArtifactStore store, RepoRef repo, string run, int job, string path, string folder, TimeProvider time)
{
    /// <summary>A file modified more recently than this may still be being written.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly Dictionary<string, (long Size, DateTime Modified, SnapshotEntry Entry)> _known = new(StringComparer.Ordinal);
    private string? _published;

    public async Task SaveAsync(CancellationToken ct)
    {
        // Until the new version is published, only the lease keeps gc off what this pass stores.
        await using var lease = await SaveLease.TakeAsync(store.Storage, ct);
        var entries = new List<SnapshotEntry>();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var rel in SnapshotStore.Scan(folder))
        {
            var full = Path.Combine(folder, rel);
            var info = new FileInfo(full);
            if (info.LinkTarget is { } target) entries.Add(new SnapshotEntry(rel, 0, 0, null, target));
            else if (!info.Exists) { if (Directory.Exists(full)) entries.Add(new SnapshotEntry(rel, 0, 0, null, IsDir: true)); }
            else if (await FileEntryAsync(rel, info, now, ct) is { } entry) entries.Add(entry);
        }
        var manifest = new SnapshotManifest(entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList());
        var id = await store.Trees.PutManifestAsync(manifest, ct);
        if (id == _published) return;
        await store.PublishAsync(repo, run, job, ArtifactStore.Describe(path, id, manifest, time.GetUtcNow()), ct);
        _published = id;
    }

    private async Task<SnapshotEntry?> FileEntryAsync(string rel, FileInfo info, DateTime now, CancellationToken ct)
    {
        var modified = info.LastWriteTimeUtc;
        var known = _known.GetValueOrDefault(rel);
        if (known.Entry is not null && known.Size == info.Length && known.Modified == modified) return known.Entry;
        if (now - modified < Quiet) return known.Entry; // still being written: keep the last version, if any
        // Copied, never linked: the job may still change the file in place.
        var hash = await store.Trees.Blobs.PutFileAsync(info.FullName, ct);
        var entry = new SnapshotEntry(rel, (int)info.UnixFileMode, info.Length, hash);
        _known[rel] = (info.Length, modified, entry);
        return entry;
    }
}
