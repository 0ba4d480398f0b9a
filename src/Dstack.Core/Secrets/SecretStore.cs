using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Secrets;

/// <summary>
/// Secrets of a repo, under their own prefix of the store (<see cref="StoreKeys.SecretsPrefix"/>), apart from
/// run state: a local store keeps them in files only the owner can read; values are read by the runner alone.
/// </summary>
public sealed class SecretStore(IStorage storage)
{
    public async Task<SecretRecord?> GetAsync(RepoRef repo, string name, CancellationToken ct) =>
        await storage.GetAsync(StoreKeys.Secret(repo, name), ct) is { } data ? StoreJson.Deserialize<SecretRecord>(data) : null;

    public Task PutAsync(RepoRef repo, SecretRecord secret, CancellationToken ct) =>
        storage.PutAsync(StoreKeys.Secret(repo, secret.Name), StoreJson.Serialize(secret), ct);

    public Task DeleteAsync(RepoRef repo, string name, CancellationToken ct) => storage.DeleteAsync(StoreKeys.Secret(repo, name), ct);

    public async Task<IReadOnlyList<SecretRecord>> ListAsync(RepoRef repo, CancellationToken ct)
    {
        var secrets = new List<SecretRecord>();
        await foreach (var key in storage.ListAsync(StoreKeys.SecretsPrefix(repo), ct))
            if (key.EndsWith(".json", StringComparison.Ordinal) && await storage.GetAsync(key, ct) is { } data)
                secrets.Add(StoreJson.Deserialize<SecretRecord>(data));
        return secrets.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}
