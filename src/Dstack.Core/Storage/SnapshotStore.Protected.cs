using System.Collections.Concurrent;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// Saves a small tree in a remote store in three round trips after the lease, whatever its number of files: the
    /// tree's hashes and manifest id are named in the lease (one write), a listing says no collection runs, then every blob
    /// goes up create-only at once (one found there already is kept by the lease's list: no touch) while the manifest is
    /// looked up, and it is written only when it is not there. While a collection runs, content found there is touched, as
    /// a save without a lease does.
    /// </summary>
    private async Task<(string Id, SnapshotManifest Manifest)> SaveNamedAsync(
        string root, IReadOnlyCollection<string> paths, SaveLease lease, Action? saved, CancellationToken ct)
    {
        var entries = new ConcurrentDictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        foreach (var rel in paths)
            if (await DescribeAsync(root, rel, path => FileHashCache.HashAsync(path, ct)) is { } entry) entries[rel] = entry;
        var planned = ManifestOf(entries);
        var plannedId = ContentHash.Of(StoreJson.Serialize(planned));
        var byHash = entries.Values.Where(e => e.Blob is not null).GroupBy(e => e.Blob!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Path).ToList(), StringComparer.Ordinal);

        await lease.ProtectAsync(byHash.Keys.Append(plannedId), ct);
        var collecting = await CollectionMarker.AnyLiveAsync(storage, lease.ProtectedAtAsync, ct);
        IReadOnlySet<string> named = collecting ? new HashSet<string>() : byHash.Keys.ToHashSet(StringComparer.Ordinal);
        var manifestThere = collecting ? Task.FromResult(false) : storage.ExistsAsync(StoreKeys.Snapshot(plannedId), ct);
        try
        {
            var folders = entries.Count - byHash.Values.Sum(p => p.Count);
            for (var i = 0; i < folders; i++) saved?.Invoke();
            await Parallel.ForEachAsync(byHash, new ParallelOptions { MaxDegreeOfParallelism = StoredBlobs.Parallelism, CancellationToken = ct }, async (blob, token) =>
            {
                // Files of equal content go up once; one that changed since it was hashed gets its own entry and the next one goes up.
                foreach (var rel in blob.Value)
                {
                    var hash = await _blobs.PutFileAsync(Path.Combine(root, rel), named, token);
                    saved?.Invoke();
                    if (hash == blob.Key)
                    {
                        for (var rest = blob.Value.IndexOf(rel) + 1; rest < blob.Value.Count; rest++) saved?.Invoke();
                        return;
                    }
                    entries[rel] = entries[rel] with { Blob = hash };
                }
            });
        }
        finally { await Observed(manifestThere); }
        var manifest = ManifestOf(entries);
        var id = ContentHash.Of(StoreJson.Serialize(manifest));
        // The manifest the lease names, there already, is kept by that list; any other is written (or touched) as usual.
        if (id == plannedId && await manifestThere) return (id, manifest);
        return (await PutManifestAsync(manifest, ct), manifest);
    }

    private static SnapshotManifest ManifestOf(ConcurrentDictionary<string, SnapshotEntry> entries) =>
        new(entries.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList());

    /// <summary>Waits for a task started alongside one that failed: its own failure is the other's to report.</summary>
    private static async Task Observed(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }
}
