namespace Dstack.Core.Storage;

/// <summary>Reading stored records, for the stores built on <see cref="IStorage"/>.</summary>
public static class StorageExtensions
{
    /// <summary>The record at a key, or null when it is missing; <see cref="UnreadableRecordException"/> when it is damaged.</summary>
    public static async Task<T?> GetRecordAsync<T>(this IStorage storage, string key, CancellationToken ct) where T : class =>
        await storage.GetAsync(key, ct) is { } data ? StoreJson.Deserialize<T>(data, key) : null;

    /// <summary>
    /// Every <c>.json</c> record under a prefix, in key order; one removed meanwhile is skipped. A damaged one is
    /// handed to <paramref name="unreadable"/> and skipped, or, without a handler, throws.
    /// </summary>
    public static async Task<List<T>> ListRecordsAsync<T>(this IStorage storage, string prefix, Action<UnreadableRecordException>? unreadable, CancellationToken ct) where T : class
    {
        var records = new List<T>();
        await foreach (var key in storage.ListAsync(prefix, ct))
        {
            if (!key.EndsWith(".json", StringComparison.Ordinal)) continue;
            try
            {
                if (await storage.GetRecordAsync<T>(key, ct) is { } record) records.Add(record);
            }
            catch (UnreadableRecordException e) when (unreadable is not null)
            {
                unreadable(e);
            }
        }
        return records;
    }

    public static Task<List<T>> ListRecordsAsync<T>(this IStorage storage, string prefix, CancellationToken ct) where T : class =>
        storage.ListRecordsAsync<T>(prefix, unreadable: null, ct);
}
