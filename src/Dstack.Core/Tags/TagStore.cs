using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tags;

/// <summary>Tags of a repo: one object per name. Creating is create-only, so of two racing creators exactly one wins.</summary>
public sealed class TagStore(IStorage storage)
{
    public Task<TagRecord?> GetAsync(RepoRef repo, string name, CancellationToken ct) =>
        storage.GetRecordAsync<TagRecord>(StoreKeys.Tag(repo, name), ct);

    /// <summary>False when a tag of that name exists (then nothing is changed).</summary>
    public Task<bool> CreateAsync(RepoRef repo, TagRecord tag, CancellationToken ct) =>
        storage.PutIfAbsentAsync(StoreKeys.Tag(repo, tag.Name), StoreJson.Serialize(tag), ct);

    /// <summary>Creates or replaces.</summary>
    public Task PutAsync(RepoRef repo, TagRecord tag, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Tag(repo, tag.Name), StoreJson.Serialize(tag), ct);

    public Task DeleteAsync(RepoRef repo, string name, CancellationToken ct) => storage.DeleteAsync(StoreKeys.Tag(repo, name), ct);

    public async Task<IReadOnlyList<TagRecord>> ListAsync(RepoRef repo, CancellationToken ct) =>
        (await storage.ListRecordsAsync<TagRecord>(StoreKeys.TagsPrefix(repo), ct)).OrderByDescending(t => t.CreatedAt).ToList();
}
