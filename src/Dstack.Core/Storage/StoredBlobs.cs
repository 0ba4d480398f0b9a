using System.Collections.Concurrent;

namespace Dstack.Core.Storage;

/// <summary>
/// Which of many blobs a store holds, from listings rather than a request per blob: one listing of each
/// <c>blobs/XX/</c> folder the hashes fall in, <see cref="Parallelism"/> at a time. What a listing shows may be
/// deleted by a collection afterwards: callers protect what they reuse first (<see cref="SaveLease.ProtectAsync"/>).
/// </summary>
public static class StoredBlobs
{
    public const int Parallelism = 16;

    public static async Task<HashSet<string>> FindAsync(IStorage storage, IReadOnlyCollection<string> hashes, CancellationToken ct)
    {
        var wanted = hashes.ToHashSet(StringComparer.Ordinal);
        var found = new ConcurrentBag<string>();
        var folders = wanted.Select(h => StoreKeys.Blob(h)[..(StoreKeys.BlobsPrefix.Length + 3)]).Distinct(StringComparer.Ordinal);
        await Parallel.ForEachAsync(folders, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (folder, token) =>
        {
            await foreach (var key in storage.ListAsync(folder, token))
                if (wanted.Contains(key[folder.Length..])) found.Add(key[folder.Length..]);
        });
        return found.ToHashSet(StringComparer.Ordinal);
    }
}
