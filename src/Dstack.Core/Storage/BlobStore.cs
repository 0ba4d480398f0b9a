namespace Dstack.Core.Storage;

/// <summary>Content-addressed file content (SHA-256): identical files are stored once, whoever stores them.</summary>
/// <remarks>
/// With a <paramref name="cache"/> (a remote store), content read into files comes from this machine's copy when it has
/// one, and what is fetched is kept there (<see cref="BlobCache"/>).
/// </remarks>
public sealed class BlobStore(IStorage storage, BlobCache? cache = null)
{
    /// <summary>This machine's copies of fetched content, or null.</summary>
    public BlobCache? Cache => cache;

    /// <summary>How many blobs were written into the cache: after some, the cache is trimmed to its size.</summary>
    private int _cached;

    /// <summary>Files up to this size go up in one create-only request; larger ones are looked up first, to skip the upload.</summary>
    private const long SmallFile = 1L << 20;

    /// <summary>
    /// Stores the file unless that content is already there; returns its hash. Content found already there is
    /// touched, so that a reclaim running meanwhile spares it.
    /// </summary>
    public async Task<string> PutFileAsync(string path, CancellationToken ct)
    {
        var hash = await FileHashCache.HashAsync(path, ct);
        var key = StoreKeys.Blob(hash);
        if (new FileInfo(path).Length <= SmallFile)
        {
            if (!await storage.PutIfAbsentAsync(key, await File.ReadAllBytesAsync(path, ct), ct)) await storage.TouchAsync(key, ct);
            return hash;
        }
        if (await storage.TouchAsync(key, ct)) return hash;
        await storage.PutFileAsync(key, path, ct);
        return hash;
    }

    /// <summary>
    /// Like <see cref="PutFileAsync"/> for a save whose lease names <paramref name="named"/> while no collection runs
    /// (<see cref="SaveLease.ProtectAsync"/>): content of those hashes found already there is kept by that list, not touched.
    /// </summary>
    public async Task<string> PutFileAsync(string path, IReadOnlySet<string> named, CancellationToken ct)
    {
        var hash = await FileHashCache.HashAsync(path, ct);
        if (!named.Contains(hash)) return await PutFileAsync(path, ct);
        var key = StoreKeys.Blob(hash);
        if (new FileInfo(path).Length <= SmallFile)
            await storage.PutIfAbsentAsync(key, await File.ReadAllBytesAsync(path, ct), ct);
        else if (!await storage.ExistsAsync(key, ct))
            await storage.PutFileAsync(key, path, ct);
        return hash;
    }

    /// <summary>
    /// Like <see cref="PutFileAsync(string, CancellationToken)"/> for a file its owner is done with (a finished job's output): in a local store
    /// the file is moved in rather than copied, when nothing can change it afterwards (see <see cref="QuietFile"/>).
    /// The caller must not expect the file at <paramref name="path"/> afterwards.
    /// </summary>
    public async Task<string> TakeFileAsync(string path, CancellationToken ct)
    {
        if (storage is not LocalStorage local || local.TryTake(path) is not { } taken) return await PutFileAsync(path, ct);
        try
        {
            if (!taken.Exclusive) return await PutFileAsync(taken.Path, ct);
            var hash = await FileHashCache.HashAsync(taken.Path, ct);
            if (!local.PublishTaken(taken, StoreKeys.Blob(hash))) await storage.TouchAsync(StoreKeys.Blob(hash), ct);
            return hash;
        }
        finally { File.Delete(taken.Path); }
    }

    public async Task<string> PutAsync(byte[] data, CancellationToken ct)
    {
        var hash = ContentHash.Of(data);
        if (!await storage.PutIfAbsentAsync(StoreKeys.Blob(hash), data, ct)) await storage.TouchAsync(StoreKeys.Blob(hash), ct);
        return hash;
    }

    /// <summary>True for a SHA-256 as blobs are named: 64 lowercase hex digits.</summary>
    public static bool IsHash(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Writes the content named <paramref name="hash"/> to a new file at <paramref name="path"/> (which must not exist:
    /// it is created exclusively, so never through a symlink), checking the content against the hash while it streams.
    /// Content that does not match (or cannot be read) is never left there: the file is removed, and a
    /// <see cref="StoreContentException"/> names the content and its <paramref name="owner"/> (e.g. <c>run wet-fox-1</c>).
    /// </summary>
    public Task GetFileAsync(string hash, string path, string owner, CancellationToken ct) => GetFileAsync(hash, size: null, path, owner, ct);

    /// <summary>
    /// Like <see cref="GetFileAsync(string, string, string, CancellationToken)"/> for content whose size a manifest gives:
    /// small content comes in one whole-object read (in S3 one GET, where a stream costs a HEAD first).
    /// </summary>
    public async Task GetFileAsync(string hash, long? size, string path, string owner, CancellationToken ct)
    {
        if (!IsHash(hash)) throw StoreContentException.NotAHash(hash, owner);
        if (cache is not null && size is { } known && known <= cache.MaxEntry)
        {
            if (cache.TryCopyTo(hash, known, path)) return;
            await cache.AddAsync(hash, await OpenAsync(hash, size, owner, ct), owner, ct, known);
            Interlocked.Increment(ref _cached);
            // Dropped at once by another runner's trim: fetched again below, straight into place.
            if (cache.TryCopyTo(hash, known, path)) return;
        }
        await using var verified = new HashVerifyingStream(await OpenAsync(hash, size, owner, ct), hash, owner, size);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await using (file) await verified.CopyToAsync(file, 1 << 20, ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// The content named <paramref name="hash"/> as a stream for a reader that sends it on (the dashboard's downloads):
    /// it is checked against the hash as it passes, and reading past content that does not match throws.
    /// </summary>
    public async Task<Stream> OpenVerifiedAsync(string hash, long? size, string owner, CancellationToken ct)
    {
        if (!IsHash(hash)) throw StoreContentException.NotAHash(hash, owner);
        return new HashVerifyingStream(await OpenAsync(hash, size, owner, ct), hash, owner, size);
    }

    /// <summary>Keeps the cache under its size when this store wrote into it since the last call.</summary>
    public void TrimCache()
    {
        if (cache is not null && Interlocked.Exchange(ref _cached, 0) > 0) cache.Trim();
    }

    /// <summary>The stored content, unchecked (callers hash it as it passes); small content in one whole-object read.</summary>
    private async Task<Stream> OpenAsync(string hash, long? size, string owner, CancellationToken ct)
    {
        var source = size <= SmallFile
            ? await storage.GetAsync(StoreKeys.Blob(hash), ct) is { } data ? new MemoryStream(data, writable: false) : null
            : await storage.OpenReadAsync(StoreKeys.Blob(hash), ct);
        return source ?? throw StoreContentException.Missing(hash, owner);
    }
}
