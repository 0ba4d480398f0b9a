using System.Globalization;

namespace Dstack.Core.Storage;

/// <summary>
/// This machine's copies of blobs fetched from a remote store, so that a runner materialising an unchanged tree copies
/// local files instead of fetching each again. Content-addressed (<c>&lt;root&gt;/&lt;h[0:2]&gt;/&lt;sha256&gt;</c>), checked
/// against its hash as it is written in, published by rename (a reader sees a whole entry or none), and kept under
/// <paramref name="capacity"/> bytes by dropping the least recently used entries. Safe for runners sharing it: an entry
/// removed while another copies it is either copied whole or missed, and a miss only costs a fetch.
/// </summary>
public sealed class BlobCache(string root, long capacity, TimeProvider time)
{
    /// <summary>2 GiB, unless <c>DSTACK_BLOB_CACHE_MB</c> says otherwise (0 turns the cache off).</summary>
    public const long DefaultCapacity = 2L << 30;

    /// <summary>What a trim keeps, as a share of the capacity: room for the next trees without a trim per run.</summary>
    private const double TrimTo = 0.75;

    /// <summary>A temp file this old was left by a runner that died while writing it.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private const string TempSuffix = ".tmp~";

    public string Root => root;

    /// <summary>Content larger than this bypasses the cache: one such file would push out many others.</summary>
    public long MaxEntry => capacity / 8;

    /// <summary>The cache in <paramref name="folder"/> sized by <c>DSTACK_BLOB_CACHE_MB</c>; null when that is 0.</summary>
    public static BlobCache? FromEnvironment(string folder, TimeProvider time)
    {
        var capacity = Environment.GetEnvironmentVariable("DSTACK_BLOB_CACHE_MB") is { Length: > 0 } mb
                       && long.TryParse(mb, NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes)
            ? megabytes << 20
            : DefaultCapacity;
        return capacity > 0 ? new BlobCache(folder, capacity, time) : null;
    }

    public string PathOf(string hash) => Path.Combine(root, hash[..2], hash);

    /// <summary>
    /// Copies the cached content <paramref name="hash"/> to the new file <paramref name="dest"/>; false when it is not
    /// cached (then <paramref name="dest"/> is not created). An entry whose size is not <paramref name="size"/> is dropped.
    /// </summary>
    public bool TryCopyTo(string hash, long size, string dest)
    {
        var path = PathOf(hash);
        try { File.Copy(path, dest, overwrite: false); }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        if (new FileInfo(dest).Length != size)
        {
            File.Delete(dest);
            TryDelete(path);
            return false;
        }
        // Recently used: the last to be dropped.
        try { File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime); }
        catch (IOException) { } // dropped meanwhile: the copy is whole all the same
        return true;
    }

    /// <summary>
    /// Writes <paramref name="content"/> in as <paramref name="hash"/>, checking it against the hash as it streams: content
    /// that does not match is never published (a <see cref="StoreContentException"/> naming <paramref name="owner"/>).
    /// </summary>
    public async Task AddAsync(string hash, Stream content, string owner, CancellationToken ct, long? size = null)
    {
        if (!BlobStore.IsHash(hash)) throw StoreContentException.NotAHash(hash, owner);
        var path = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            await using (var verified = new HashVerifyingStream(content, hash, owner, size))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await verified.CopyToAsync(file, 1 << 20, ct);
            // Another runner may have published the same content meanwhile: identical bytes, so either wins.
            File.SetLastWriteTimeUtc(temp, time.GetUtcNow().UtcDateTime); // its use, by the clock the trim reads
            File.Move(temp, path, overwrite: true);
        }
        finally { TryDelete(temp); }
    }

    /// <summary>
    /// Drops the least recently used entries while the cache holds more than its capacity (down to three quarters of it),
    /// and temp files that runners which died left behind.
    /// </summary>
    public void Trim()
    {
        // Best effort: a cache a little over its size never fails a job.
        try { TrimOrThrow(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void TrimOrThrow()
    {
        if (!Directory.Exists(root)) return;
        var now = time.GetUtcNow().UtcDateTime;
        var entries = new List<FileInfo>();
        long total = 0;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (file.Name.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                if (now - file.LastWriteTimeUtc > AbandonedAfter) TryDelete(file.FullName);
                continue;
            }
            entries.Add(file);
            total += file.Length;
        }
        if (total <= capacity) return;
        var keep = (long)(capacity * TrimTo);
        foreach (var entry in entries.OrderBy(e => e.LastWriteTimeUtc))
        {
            if (total <= keep) break;
            TryDelete(entry.FullName);
            total -= entry.Length;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
