using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Artifacts;

/// <summary>
/// Jobs' output folders, saved as content-addressed trees. A version becomes visible when its pointer
/// is written, and that happens only after its manifest and every blob it names are stored.
/// </summary>
/// <remarks>With a <paramref name="cache"/> (a remote store), materialising reads content this machine fetched before (<see cref="BlobCache"/>).</remarks>
public sealed class ArtifactStore(IStorage storage, BlobCache? cache = null)
{
    private readonly SnapshotStore _trees = new(storage, cache);

    public SnapshotStore Trees => _trees;

    public IStorage Storage => storage;

    /// <summary>
    /// Saves <paramref name="folder"/> as the new version of a job's artifact. With <paramref name="takeFiles"/> (the job
    /// is over) its files may be moved into the store rather than copied: see <see cref="BlobStore.TakeFileAsync"/>.
    /// </summary>
    public async Task<ArtifactVersion> SaveAsync(RepoRef repo, string run, int job, string path, string folder, DateTimeOffset now, CancellationToken ct, bool takeFiles = false)
    {
        await using var lease = await SaveLease.TakeAsync(storage, ct); // until the pointer references what is stored
        var (id, manifest) = await _trees.SaveFolderAsync(folder, ct, takeFiles, lease);
        var version = Describe(path, id, manifest, now);
        await PublishAsync(repo, run, job, version, ct);
        return version;
    }

    /// <summary>
    /// Stores <paramref name="folder"/> as a tree (see <see cref="SnapshotStore.Scan"/>: links are kept as links,
    /// never followed) without publishing it, under the caller's <paramref name="lease"/> (see <see cref="SnapshotStore.SaveTreeAsync"/>).
    /// </summary>
    public Task<(string Id, SnapshotManifest Manifest)> SaveFolderAsync(string folder, SaveLease? lease, CancellationToken ct) =>
        _trees.SaveFolderAsync(folder, ct, lease: lease);

    /// <summary>Makes a version (whose manifest is stored) the artifact's current one.</summary>
    public Task PublishAsync(RepoRef repo, string run, int job, ArtifactVersion version, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Artifact(repo, run, job, version.Path), StoreJson.Serialize(version), ct);

    public static ArtifactVersion Describe(string path, string manifestId, SnapshotManifest manifest, DateTimeOffset now)
    {
        var files = manifest.Entries.Where(e => !e.IsDir && e.LinkTarget is null).ToList();
        return new ArtifactVersion(path, manifestId, files.Count, files.Sum(e => e.Size), now);
    }

    /// <summary>The current version of every artifact of every job of the run, ordered by job then path.</summary>
    public async Task<IReadOnlyList<ArtifactVersion>> ListAsync(RunRecord run, CancellationToken ct)
    {
        var versions = new List<ArtifactVersion>();
        foreach (var job in run.Jobs)
            versions.AddRange(await storage.ListRecordsAsync<ArtifactVersion>(StoreKeys.ArtifactsPrefix(run.Repo, run.RunName, job.Index), ct));
        return versions;
    }

    /// <summary>The version's manifest, checked (see <see cref="SnapshotStore.GetManifestAsync"/>); <paramref name="owner"/> names whose it is.</summary>
    public Task<SnapshotManifest> GetManifestAsync(ArtifactVersion version, string owner, CancellationToken ct) =>
        _trees.GetManifestAsync(version.Manifest, owner, ct);

    /// <summary>Writes the version's tree into a new folder <paramref name="dest"/> as fresh copies: writing to them never changes the store.</summary>
    public Task MaterializeAsync(ArtifactVersion version, string dest, string owner, CancellationToken ct) =>
        _trees.MaterializeAsync(version.Manifest, dest, owner, ct);
}
