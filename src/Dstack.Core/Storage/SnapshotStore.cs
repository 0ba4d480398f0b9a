using System.Collections.Concurrent;
using Dstack.Core.Models;

namespace Dstack.Core.Storage;

/// <summary>
/// Saves a folder tree as blobs plus a manifest, and materialises it again. The manifest is
/// content-addressed too and written last, so a snapshot id always names a complete tree.
/// </summary>
/// <remarks>With a <paramref name="cache"/> (a remote store), materialising reads content this machine fetched before from it.</remarks>
public sealed partial class SnapshotStore(IStorage storage, BlobCache? cache = null)
{
    private readonly BlobStore _blobs = new(storage, cache);

    /// <summary>Below this many files, threads cost more than they save.</summary>
    private const int ParallelFrom = 64;

    public BlobStore Blobs => _blobs;

    /// <summary>How many files come down at once: a remote store's round trips overlap; a local folder's disk does not gain past 8.</summary>
    public int ReadParallelism => storage is LocalStorage ? 8 : 16;

    /// <summary>Saves the given files (paths relative to <paramref name="root"/>, <c>/</c>-separated); returns the snapshot id.</summary>
    public async Task<string> SaveAsync(string root, IEnumerable<string> relativePaths, CancellationToken ct) =>
        (await SaveTreeAsync(root, relativePaths, ct)).Id;

    /// <summary>Like <see cref="SaveAsync"/>, returning the manifest too.</summary>
    /// <param name="takeFiles">the files' owner is done with them: they may be moved into the store instead of copied.</param>
    /// <param name="saved">called after each path is stored (from several threads at once).</param>
    /// <param name="lease">
    /// the caller's lease, held until what it saves is referenced: with it, a tree in a remote store names its content in the
    /// lease instead of touching what is there already, and a large one is checked against listings of the blobs instead of
    /// a request per file (<see cref="SaveNamedAsync"/>, <see cref="SaveListedAsync"/>).
    /// </param>
    public async Task<(string Id, SnapshotManifest Manifest)> SaveTreeAsync(
        string root, IEnumerable<string> relativePaths, CancellationToken ct, bool takeFiles = false, Action? saved = null, SaveLease? lease = null)
    {
        var paths = relativePaths as IReadOnlyCollection<string> ?? relativePaths.ToList();
        if (lease is not null && storage is not LocalStorage)
            return paths.Count >= ListFrom ? await SaveListedAsync(root, paths, lease, saved, ct) : await SaveNamedAsync(root, paths, lease, saved, ct);
        var entries = new ConcurrentBag<SnapshotEntry>();
        async ValueTask SaveOneAsync(string rel, CancellationToken token)
        {
            if (await SaveEntryAsync(root, rel, takeFiles, token) is { } entry) entries.Add(entry);
            saved?.Invoke();
        }
        if (paths.Count < ParallelFrom)
        {
            foreach (var rel in paths) await SaveOneAsync(rel, ct);
        }
        else
        {
            await Parallel.ForEachAsync(paths, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = 16 }, SaveOneAsync);
        }
        var manifest = new SnapshotManifest(entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList());
        return (await PutManifestAsync(manifest, ct), manifest);
    }

    /// <summary>Stores a manifest whose blobs are all stored already; returns its id.</summary>
    public async Task<string> PutManifestAsync(SnapshotManifest manifest, CancellationToken ct)
    {
        var data = StoreJson.Serialize(manifest);
        var id = ContentHash.Of(data);
        if (!await storage.PutIfAbsentAsync(StoreKeys.Snapshot(id), data, ct)) await storage.TouchAsync(StoreKeys.Snapshot(id), ct);
        return id;
    }

    /// <summary>
    /// Saves everything under <paramref name="folder"/>: files (empty ones too), folders (empty ones too),
    /// modes, and symlinks as links (never followed).
    /// </summary>
    public Task<(string Id, SnapshotManifest Manifest)> SaveFolderAsync(string folder, CancellationToken ct, bool takeFiles = false, SaveLease? lease = null) =>
        SaveTreeAsync(folder, Scan(folder), ct, takeFiles, lease: lease);

    /// <summary>
    /// Every file, folder and symlink under <paramref name="folder"/>, relative and <c>/</c>-separated; empty when
    /// the folder is missing. A symlink is listed as itself and never entered, even when it points at a folder:
    /// a link out of the folder (or to <c>/</c>, or a cycle) is stored as its target text, never as what it points at.
    /// </summary>
    public static List<string> Scan(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var entries = new System.IO.Enumeration.FileSystemEnumerable<string>(folder, (ref System.IO.Enumeration.FileSystemEntry e) => e.ToFullPath(), options)
        {
            // The default enumeration recurses into a symlink that points at a folder.
            ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        return entries.Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/')).ToList();
    }

    /// <summary>
    /// The manifest <paramref name="id"/> of <paramref name="owner"/> (e.g. <c>run wet-fox-1</c>), checked before anyone
    /// uses it: its bytes must match the id, and its entries must be safe to write (<see cref="StorePaths.Validate(SnapshotManifest, string)"/>).
    /// </summary>
    public async Task<SnapshotManifest> GetManifestAsync(string id, string owner, CancellationToken ct)
    {
        if (!BlobStore.IsHash(id)) throw StoreContentException.NotAHash(id, owner);
        var data = await storage.GetAsync(StoreKeys.Snapshot(id), ct)
            ?? throw StoreContentException.SnapshotMissing(id, owner);
        if (ContentHash.Of(data) != id) throw StoreContentException.Mismatch("Snapshot", id, owner);
        var manifest = StoreJson.Deserialize<SnapshotManifest>(data, StoreKeys.Snapshot(id));
        StorePaths.Validate(manifest, owner);
        return manifest;
    }

    /// <summary>
    /// Writes the snapshot's tree into <paramref name="dest"/>, a folder that does not exist yet (or is empty). The manifest is checked first, and every file against its hash as it streams: nothing is ever
    /// written outside <paramref name="dest"/>, or through a symlink the tree itself has.
    /// </summary>
    public async Task MaterializeAsync(string id, string dest, string owner, CancellationToken ct) =>
        await MaterializeAsync(await GetManifestAsync(id, owner, ct), dest, owner, ct);

    /// <summary>As <see cref="MaterializeAsync(string, string, string, CancellationToken)"/>, from its manifest read already (<see cref="GetManifestAsync"/>).</summary>
    public async Task MaterializeAsync(SnapshotManifest manifest, string dest, string owner, CancellationToken ct)
    {
        Directory.CreateDirectory(dest);
        // Every folder first, once: the copies that follow then run without directory checks.
        var folders = manifest.Entries.Where(e => e.IsDir).Select(e => e.Path)
            .Concat(manifest.Entries.Where(e => !e.IsDir).Select(e => Path.GetDirectoryName(e.Path) ?? ""))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var folder in folders) Directory.CreateDirectory(Path.Combine(dest, folder));
        await Parallel.ForEachAsync(manifest.Entries.Where(e => !e.IsDir), new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = ReadParallelism }, async (entry, token) =>
        {
            var path = Path.Combine(dest, entry.Path);
            if (entry.LinkTarget is not null)
            {
                File.CreateSymbolicLink(path, entry.LinkTarget);
                return;
            }
            await _blobs.GetFileAsync(entry.Blob!, entry.Size, path, owner, token);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, PermissionsOf(entry));
        });
        _blobs.TrimCache();
    }

    /// <summary>A stored mode's permission bits only: content from the store never becomes set-user-ID.</summary>
    public static UnixFileMode PermissionsOf(SnapshotEntry entry) => (UnixFileMode)(entry.Mode & 0x1ff);

    private async Task<SnapshotEntry?> SaveEntryAsync(string root, string rel, bool take, CancellationToken ct) =>
        await DescribeAsync(root, rel, async path => take ? await _blobs.TakeFileAsync(path, ct) : await _blobs.PutFileAsync(path, ct));

    /// <summary>The entry of one path, its content's hash given by <paramref name="hash"/>; null for a path deleted since listing.</summary>
    private static async Task<SnapshotEntry?> DescribeAsync(string root, string rel, Func<string, Task<string>> hash)
    {
        var path = Path.Combine(root, rel);
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
            return new SnapshotEntry(rel, 0, 0, null, target);
        if (!info.Exists)
            return Directory.Exists(path) ? new SnapshotEntry(rel, 0, 0, null, IsDir: true) : null;
        var mode = OperatingSystem.IsWindows() ? 0x1a4 : (int)info.UnixFileMode;
        return new SnapshotEntry(rel, mode, info.Length, await hash(path));
    }
}
