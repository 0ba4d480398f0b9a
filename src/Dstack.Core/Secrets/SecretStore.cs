using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Secrets;

/// <summary>
/// Secrets of a repo, under their own prefix of the store (<see cref="StoreKeys.SecretsPrefix"/>), apart from
/// run state: a local store keeps them in files only the owner can read; values are read by the runner alone.
/// </summary>
public sealed class SecretStore(IStorage storage)
{
    public Task<SecretRecord?> GetAsync(RepoRef repo, string name, CancellationToken ct) =>
        storage.GetRecordAsync<SecretRecord>(StoreKeys.Secret(repo, name), ct);

    public Task PutAsync(RepoRef repo, SecretRecord secret, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Secret(repo, secret.Name), StoreJson.Serialize(secret), ct);

    public Task DeleteAsync(RepoRef repo, string name, CancellationToken ct) => storage.DeleteAsync(StoreKeys.Secret(repo, name), ct);

    public async Task<IReadOnlyList<SecretRecord>> ListAsync(RepoRef repo, CancellationToken ct) =>
        (await storage.ListRecordsAsync<SecretRecord>(StoreKeys.SecretsPrefix(repo), ct)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
}
