namespace Dstack.Core.Storage;

/// <summary>
/// A flat object store: keys are <c>/</c>-separated paths. Implementations: a local folder, S3.
/// Contract:
/// - Writes are whole objects and atomic: a reader sees the old object or the new one, never a part.
/// - <see cref="GetAsync"/> returns null for a missing key; <see cref="DeleteAsync"/> of a missing key returns silently.
/// - <see cref="PutIfAbsentAsync"/> is create-only: exactly one of several racing writers gets true.
/// - <see cref="ListAsync"/> returns every key under the prefix (all pages), in ordinal order.
/// </summary>
public interface IStorage
{
    Task<byte[]?> GetAsync(string key, CancellationToken ct);
    Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct);
    Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct);
    Task<bool> ExistsAsync(string key, CancellationToken ct);
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>
    /// Marks an existing object as just used (its modified time becomes now), so that reclaiming spares it;
    /// false when it is missing. Content-addressed writers call it instead of rewriting what is already there.
    /// </summary>
    Task<bool> TouchAsync(string key, CancellationToken ct);

    /// <summary>When the object was last written or touched; null when it is missing.</summary>
    Task<DateTimeOffset?> GetModifiedAsync(string key, CancellationToken ct);
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// The keys under <paramref name="prefix"/> that sort after <paramref name="startAfter"/>, in ordinal order: on a bucket
    /// the listing starts there (S3's <c>start-after</c>), so a time-ordered folder costs what is newer, not all of it.
    /// </summary>
    async IAsyncEnumerable<string> ListAfterAsync(string prefix, string startAfter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var key in ListAsync(prefix, ct))
            if (string.CompareOrdinal(key, startAfter) > 0) yield return key;
    }

    /// <summary>Immediate children of <paramref name="prefix"/> (which ends with <c>/</c>): names only, folders end with <c>/</c>.</summary>
    IAsyncEnumerable<string> ListChildrenAsync(string prefix, CancellationToken ct);

    /// <summary>Stores a local file under a key (atomic, like <see cref="PutAsync"/>).</summary>
    Task PutFileAsync(string key, string localPath, CancellationToken ct);

    /// <summary>
    /// Opens an object to read it front to back, however large (large objects may be fetched ahead, in parallel
    /// ranges); null when the key is missing. The caller disposes the stream. Reading is the caller's only access to
    /// an object's bytes on their way to a file, so that it can check them as they pass (<see cref="HashVerifyingStream"/>).
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);
}
