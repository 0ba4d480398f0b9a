using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Secrets;

/// <summary>
/// Secrets of a repo, under their own prefix of the store (<see cref="StoreKeys.SecretsPrefix"/>), apart from
/// run state: a local store keeps them in files only the owner can read; values are read by the runner alone.
/// Whoever can write that prefix decides what the repo's jobs get (docs/S3.md): names read back are checked as
/// names typed at the CLI are, since they become environment variables.
/// </summary>
public sealed class SecretStore(IStorage storage)
{
    public Task<SecretRecord?> GetAsync(RepoRef repo, string name, CancellationToken ct) =>
        storage.GetRecordAsync<SecretRecord>(StoreKeys.Secret(repo, name), ct);

    public Task PutAsync(RepoRef repo, SecretRecord secret, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Secret(repo, secret.Name), StoreJson.Serialize(secret), ct);

    public Task DeleteAsync(RepoRef repo, string name, CancellationToken ct) => storage.DeleteAsync(StoreKeys.Secret(repo, name), ct);

    /// <summary>The repo's secrets with valid names, by name.</summary>
    public Task<IReadOnlyList<SecretRecord>> ListAsync(RepoRef repo, CancellationToken ct) => ListAsync(repo, invalid: null, ct);

    /// <summary>The repo's secrets with valid names, by name; each one with an invalid name is left out and given to <paramref name="invalid"/>.</summary>
    public async Task<IReadOnlyList<SecretRecord>> ListAsync(RepoRef repo, Action<SecretRecord>? invalid, CancellationToken ct)
    {
        var all = await storage.ListRecordsAsync<SecretRecord>(StoreKeys.SecretsPrefix(repo), ct);
        foreach (var secret in all.Where(s => !SecretName.IsValid(s.Name))) invalid?.Invoke(secret);
        return all.Where(s => SecretName.IsValid(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}
