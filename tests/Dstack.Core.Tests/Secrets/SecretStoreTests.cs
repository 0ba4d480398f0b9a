using Dstack.Core.Models;
using Dstack.Core.Secrets;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Secrets;

public sealed class SecretStoreTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-secrets-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task List_LeavesOutNamesThatAreNotVariableNames_AndReportsThem()
    {
        var storage = new LocalStorage(_home);
        var store = new SecretStore(storage);
        var now = DateTimeOffset.UnixEpoch;
        await store.PutAsync(Repo, new SecretRecord("BAD", "good", now, now), default);
        // What someone with write access to the store could plant: a record whose name is not what its key says.
        foreach (var (key, name) in new[] { ("X", "X\nBAD=injected"), ("Y", "Y BAD"), ("Z", ""), ("W", "1W") })
            await storage.PutAsync(StoreKeys.Secret(Repo, key), StoreJson.Serialize(new SecretRecord(name, "planted", now, now)), default);
        var invalid = new List<string>();

        var secrets = await store.ListAsync(Repo, s => invalid.Add(s.Name), default);

        secrets.Select(s => (s.Name, s.Value)).ShouldBe([("BAD", "good")]);
        invalid.Order(StringComparer.Ordinal).ShouldBe(["", "1W", "X\nBAD=injected", "Y BAD"]);
    }

    [Fact]
    public void Ignored_ShowsTheNameEscapedOnOneLine() =>
        SecretName.Ignored("X\nBAD=injected").ShouldBe(
            "secret \"X\\nBAD=injected\" ignored: not a valid environment variable name (it was written to the store by other means than `dstack secrets add`).");

    [Fact]
    public void IsValid_RejectsATrailingNewline() => SecretName.IsValid("TOKEN\n").ShouldBeFalse();
}
