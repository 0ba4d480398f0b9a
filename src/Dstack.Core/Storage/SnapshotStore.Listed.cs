using System.Collections.Concurrent;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>From this many files on, listing the folders their blobs fall in costs less than a request per file.</summary>
    private const int ListFrom = 256;

    /// <summary>
    /// Saves a large tree in a remote store: every file hashed here first (a stat each when unchanged, see
    /// <see cref="FileHashCache"/>), the hashes named in the lease, then listings say which blobs are stored, and only
    /// the others go up, <see cref="StoredBlobs.Parallelism"/> at a time. An unchanged tree costs the listings and the
    /// manifest. While a collection runs, a listing is not trusted: every file then goes up, or is touched, as usual.
    /// </summary>
    private async Task<(string Id, SnapshotManifest Manifest)> SaveListedAsync(
        string root, IReadOnlyCollection<string> paths, SaveLease lease, Action? saved, CancellationToken ct)
    {
        var entries = new ConcurrentDictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (rel, token) =>
        {
            if (await DescribeAsync(root, rel, path => FileHashCache.HashAsync(path, token)) is { } entry) entries[rel] = entry;
        });
        var byHash = entries.Values.Where(e => e.Blob is not null).GroupBy(e => e.Blob!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Path).ToList(), StringComparer.Ordinal);

        await lease.ProtectAsync(byHash.Keys, ct);
        var stored = await CollectionMarker.AnyLiveAsync(storage, lease.ProtectedAtAsync, ct) ? [] : await StoredBlobs.FindAsync(storage, byHash.Keys, ct);
        var skipped = byHash.Where(b => stored.Contains(b.Key)).Sum(b => b.Value.Count) + (entries.Count - byHash.Values.Sum(p => p.Count));
        for (var i = 0; i < skipped; i++) saved?.Invoke();

        var missing = byHash.Where(b => !stored.Contains(b.Key)).ToList();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = StoredBlobs.Parallelism, CancellationToken = ct }, async (blob, token) =>
        {
            // Files of equal content go up once; one that changed since it was hashed gets its own entry and the next one goes up.
            foreach (var rel in blob.Value)
            {
                var hash = await _blobs.PutFileAsync(Path.Combine(root, rel), token);
                saved?.Invoke();
                if (hash == blob.Key)
                {
                    for (var rest = blob.Value.IndexOf(rel) + 1; rest < blob.Value.Count; rest++) saved?.Invoke();
                    return;
                }
                entries[rel] = entries[rel] with { Blob = hash };
            }
        });
        var manifest = new SnapshotManifest(entries.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList());
        return (await PutManifestAsync(manifest, ct), manifest);
    }
}
