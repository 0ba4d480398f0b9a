namespace Dstack.Core.Storage;

/// <summary>Reading stored records, for the stores built on <see cref="IStorage"/>.</summary>
public static class StorageExtensions
{
    /// <summary>The record at a key, or null when it is missing.</summary>
    public static async Task<T?> GetRecordAsync<T>(this IStorage storage, string key, CancellationToken ct) where T : class =>
        await storage.GetAsync(key, ct) is { } data ? StoreJson.Deserialize<T>(data) : null;

    /// <summary>Every <c>.json</c> record under a prefix, in key order; one removed meanwhile is skipped.</summary>
    public static async Task<List<T>> ListRecordsAsync<T>(this IStorage storage, string prefix, CancellationToken ct) where T : class
    {
        var records = new List<T>();
        await foreach (var key in storage.ListAsync(prefix, ct))
            if (key.EndsWith(".json", StringComparison.Ordinal) && await storage.GetRecordAsync<T>(key, ct) is { } record)
                records.Add(record);
        return records;
    }
}
