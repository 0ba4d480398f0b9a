using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tags;

/// <summary>Tags of a repo: one object per name. Creating is create-only, so of two racing creators exactly one wins.</summary>
public sealed class TagStore(IStorage storage)
{
    public Task<TagRecord?> GetAsync(RepoRef repo, string name, CancellationToken ct) =>
        storage.GetRecordAsync<TagRecord>(StoreKeys.Tag(repo, name), ct);

    /// <summary>Whether a tag of that name is stored, readable or not (a broken tag can still be replaced or deleted).</summary>
    public Task<bool> ExistsAsync(RepoRef repo, string name, CancellationToken ct) => storage.ExistsAsync(StoreKeys.Tag(repo, name), ct);

    /// <summary>False when a tag of that name exists (then nothing is changed).</summary>
    public Task<bool> CreateAsync(RepoRef repo, TagRecord tag, CancellationToken ct) =>
        storage.PutIfAbsentAsync(StoreKeys.Tag(repo, tag.Name), StoreJson.Serialize(tag), ct);

    /// <summary>Creates or replaces.</summary>
    public Task PutAsync(RepoRef repo, TagRecord tag, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Tag(repo, tag.Name), StoreJson.Serialize(tag), ct);

    public Task DeleteAsync(RepoRef repo, string name, CancellationToken ct) => storage.DeleteAsync(StoreKeys.Tag(repo, name), ct);

    /// <summary>Newest first; a tag that cannot be read is handed to <paramref name="unreadable"/> and left out.</summary>
    public async Task<IReadOnlyList<TagRecord>> ListAsync(RepoRef repo, Action<UnreadableRecordException>? unreadable, CancellationToken ct) =>
        (await storage.ListRecordsAsync<TagRecord>(StoreKeys.TagsPrefix(repo), unreadable, ct)).OrderByDescending(t => t.CreatedAt).ToList();
}
