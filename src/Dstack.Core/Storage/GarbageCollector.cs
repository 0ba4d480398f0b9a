using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// Reclaims content that nothing references any more. References: every run's code snapshot, diff and
/// deps; every artifact version; every tag. Content younger than the grace period is kept, and so is content stored
/// since a live <see cref="SaveLease"/> was taken (a save in flight: blobs stored, manifest not yet published), whatever
/// the grace period, and content a live lease names as reused. A collection announces itself (<see cref="CollectionMarker"/>)
/// while it runs. In a local store, temp
/// files older than that are what a crashed writer left, and go too. A reference that cannot be read stops the
/// collection before anything is deleted (<see cref="UnreadableRecordException"/>): what it names is unknown.
/// </summary>
public sealed class GarbageCollector(IStorage storage, TimeProvider time)
{
    /// <summary>What was deleted; <see cref="Bytes"/> is known only for <see cref="ReclaimAsync"/>.</summary>
    public sealed record Result(int Manifests, int Blobs, long Bytes);

    public async Task<Result> CollectAsync(TimeSpan grace, CancellationToken ct)
    {
        // The marker before the leases: a save that protects its reused content after this look sees the marker.
        await using var marker = await CollectionMarker.BeginAsync(storage, time, ct);
        // Leases first: a save that starts after this look stores content newer than the cut-off anyway.
        var (cutoff, reused) = await LiveSavesAsync(time.GetUtcNow() - grace, ct);
        var (manifests, blobs) = await ReferencedAsync(ct);
        blobs.UnionWith(reused);
        manifests.UnionWith(reused); // a save names the manifest it finds already there (SaveLease.ProtectAsync)
        int deletedManifests = 0, deletedBlobs = 0;
        long bytes = 0;
        await foreach (var key in storage.ListAsync(StoreKeys.SnapshotsPrefix, ct))
        {
            var id = StoreKeys.SnapshotIdOf(key);
            if (manifests.Contains(id) || !await IsOlderAsync(key, cutoff, ct)) continue;
            await storage.DeleteAsync(key, ct);
            deletedManifests++;
            await marker.RenewAsync(ct);
        }
        await foreach (var key in storage.ListAsync(StoreKeys.BlobsPrefix, ct))
        {
            var hash = StoreKeys.BlobHashOf(key);
            if (blobs.Contains(hash) || !await IsOlderAsync(key, cutoff, ct)) continue;
            await storage.DeleteAsync(key, ct);
            deletedBlobs++;
            await marker.RenewAsync(ct);
        }
        await DropSupersededRunSummariesAsync(cutoff, ct);
        await new RemovedRuns(storage).CompactAsync(time.GetUtcNow() - RemovedRuns.Kept, ct);
        if (storage is LocalStorage local) local.DeleteStaleTemps(cutoff);
        return new Result(deletedManifests, deletedBlobs, bytes);
    }

    /// <summary>
    /// Of each repo's run summary checkpoints (<see cref="StoreKeys.RunSummaries"/>) only the newest whose content matches its
    /// hash is kept: each holds every finished run the ones before it did, but those since removed. Older ones (and damaged
    /// ones) go once past the cut-off, so that a reader that has just listed them still finds what it reads.
    /// </summary>
    private async Task DropSupersededRunSummariesAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.RunSummariesPrefix, ct)) keys.Add(key);
        keys.Sort(StringComparer.Ordinal);
        foreach (var repo in keys.GroupBy(k => k[..(k.LastIndexOf('/') + 1)]))
        {
            string? kept = null;
            foreach (var key in repo) // newest first
            {
                if (kept is null && await IsIntactAsync(key, ct)) kept = key;
                else if (await IsOlderAsync(key, cutoff, ct)) await storage.DeleteAsync(key, ct);
            }
        }
    }

    private async Task<bool> IsIntactAsync(string key, CancellationToken ct) =>
        await storage.GetAsync(key, ct) is { } data && ContentHash.Of(data) == key[(key.LastIndexOf('.') + 1)..];

    /// <summary>
    /// Reclaims, at once, what the given manifests (and blobs) used that nothing else references: for
    /// <c>dstack rm</c>, which knows exactly what it removed. Content written or reused after
    /// <paramref name="lastUsed"/> (when the removed runs ended) is kept: a save in progress may be using it.
    /// </summary>
    public async Task<Result> ReclaimAsync(IEnumerable<string> manifestIds, IEnumerable<string> blobIds, DateTimeOffset lastUsed, CancellationToken ct)
    {
        await using var marker = await CollectionMarker.BeginAsync(storage, time, ct);
        var (_, reused) = await LiveSavesAsync(lastUsed, ct);
        var candidateManifests = manifestIds.ToHashSet(StringComparer.Ordinal);
        // Runs started twice from the same uncommitted edits share their diff blob: the same id may come more than once.
        var candidateBlobs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var blob in blobIds) candidateBlobs[blob] = 0;
        foreach (var id in candidateManifests)
            if (await storage.GetAsync(StoreKeys.Snapshot(id), ct) is { } data)
                foreach (var entry in StoreJson.Deserialize<SnapshotManifest>(data, StoreKeys.Snapshot(id)).Entries)
                    if (entry.Blob is { } blob) candidateBlobs[blob] = entry.Size;
        var (manifests, blobs) = await ReferencedAsync(ct);
        blobs.UnionWith(reused);
        manifests.UnionWith(reused); // a save names the manifest it finds already there (SaveLease.ProtectAsync)
        int deletedManifests = 0, deletedBlobs = 0;
        long bytes = 0;
        foreach (var id in candidateManifests.Where(id => !manifests.Contains(id)))
        {
            if (!await IsOlderAsync(StoreKeys.Snapshot(id), lastUsed, ct)) continue;
            await storage.DeleteAsync(StoreKeys.Snapshot(id), ct);
            deletedManifests++;
        }
        foreach (var (hash, size) in candidateBlobs.Where(b => !blobs.Contains(b.Key)))
        {
            if (!await IsOlderAsync(StoreKeys.Blob(hash), lastUsed, ct)) continue;
            bytes += size;
            await storage.DeleteAsync(StoreKeys.Blob(hash), ct);
            deletedBlobs++;
        }
        return new Result(deletedManifests, deletedBlobs, bytes);
    }

    /// <summary>
    /// What may go: older than <paramref name="cutoff"/>, and than every live <see cref="SaveLease"/> by a second more (stores
    /// such as S3 keep modified times in whole seconds), and not named as reused by a live lease. Expired leases, left by
    /// writers that died, are removed.
    /// </summary>
    private async Task<(DateTimeOffset Cutoff, HashSet<string> Reused)> LiveSavesAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var expired = time.GetUtcNow() - SaveLease.Expiry;
        var reused = new HashSet<string>(StringComparer.Ordinal);
        var leases = new List<string>();
        await foreach (var key in storage.ListAsync(StoreKeys.WritersPrefix, ct)) leases.Add(key);
        foreach (var key in leases)
        {
            if (await storage.GetModifiedAsync(key, ct) is not { } taken) continue; // released meanwhile
            if (taken < expired)
            {
                await storage.DeleteAsync(key, ct);
                continue;
            }
            if (taken - TimeSpan.FromSeconds(1) < cutoff) cutoff = taken - TimeSpan.FromSeconds(1);
            if (key.EndsWith(StoreKeys.ReuseSuffix, StringComparison.Ordinal) && await storage.GetAsync(key, ct) is { } list)
                reused.UnionWith(SaveLease.ReadProtected(list));
        }
        return (cutoff, reused);
    }

    private async Task<bool> IsOlderAsync(string key, DateTimeOffset cutoff, CancellationToken ct) =>
        await storage.GetModifiedAsync(key, ct) is { } modified && modified <= cutoff;

    private async Task<(HashSet<string> Manifests, HashSet<string> Blobs)> ReferencedAsync(CancellationToken ct)
    {
        try { return await ReadReferencesAsync(ct); }
        catch (UnreadableRecordException e) { throw e.CollectionStopped(); }
    }

    private async Task<(HashSet<string> Manifests, HashSet<string> Blobs)> ReadReferencesAsync(CancellationToken ct)
    {
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in storage.ListAsync(StoreKeys.ReposPrefix, ct))
        {
            if (StoreKeys.IsRun(key) && await storage.GetAsync(key, ct) is { } run)
            {
                var record = StoreJson.Deserialize<RunRecord>(run, key);
                manifests.Add(record.Code.SnapshotId);
                if (record.Code.DiffBlob is { } diff) blobs.Add(diff);
                foreach (var dep in record.Deps) manifests.UnionWith(dep.Artifacts.Select(a => a.Manifest));
            }
            else if (StoreKeys.IsArtifact(key) && await storage.GetAsync(key, ct) is { } pointer)
                manifests.Add(StoreJson.Deserialize<ArtifactVersion>(pointer, key).Manifest);
            else if (StoreKeys.IsTag(key) && await storage.GetAsync(key, ct) is { } tag)
                manifests.UnionWith(StoreJson.Deserialize<TagRecord>(tag, key).Artifacts.Select(a => a.Manifest));
        }
        foreach (var id in manifests)
            if (await storage.GetAsync(StoreKeys.Snapshot(id), ct) is { } data)
                foreach (var entry in StoreJson.Deserialize<SnapshotManifest>(data, StoreKeys.Snapshot(id)).Entries)
                    if (entry.Blob is { } blob) blobs.Add(blob);
        return (manifests, blobs);
    }
}
