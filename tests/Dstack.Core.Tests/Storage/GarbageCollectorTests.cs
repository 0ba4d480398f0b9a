using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class GarbageCollectorTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "widgets");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-gc-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _storage;
    private readonly BlobStore _blobs;

    public GarbageCollectorTests()
    {
        _storage = new LocalStorage(_root);
        _blobs = new BlobStore(_storage);
    }

    private GarbageCollector Collector => new(_storage, TimeProvider.System);

    private static RunRecord Run(string name, string snapshot, string? diff = null) => new()
    {
        RunName = name, Repo = Repo, ProviderName = "bash", SubmittedAt = DateTimeOffset.UtcNow,
        Code = new RepoSnapshotInfo { SnapshotId = snapshot, DiffBlob = diff }, Jobs = [new JobSpec { Commands = ["true"] }],
    };

    public static TheoryData<string> DamagedKeys() => new(
        StoreKeys.Run(Repo, "broken-fox-1"),
        StoreKeys.Tag(Repo, "broken"),
        StoreKeys.Artifact(Repo, "broken-fox-1", 0, "out"),
        StoreKeys.Snapshot("referenced"));

    [Theory]
    [MemberData(nameof(DamagedKeys))]
    public async Task Collect_AReferenceThatCannotBeRead_StopsBeforeDeletingAnything_NamingIt(string damaged)
    {
        var orphan = await _blobs.PutAsync("nothing uses this"u8.ToArray(), default);
        // A run that references the manifest, for the case where the manifest is the damaged record.
        await _storage.PutAsync(StoreKeys.Run(Repo, "good-fox-1"), StoreJson.Serialize(Run("good-fox-1", "referenced")), default);
        await _storage.PutAsync(damaged, """{"run_name": "broken-fox-1", "co"""u8.ToArray(), default);

        var error = await Should.ThrowAsync<UnreadableRecordException>(() => Collector.CollectAsync(TimeSpan.Zero, default));

        error.Key.ShouldBe(damaged);
        error.Message.ShouldStartWith($"gc stopped without deleting anything: the stored record '{damaged}' cannot be read");
        (await _storage.ExistsAsync(StoreKeys.Blob(orphan), default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Collect_ARecordOfTheWrongShape_IsUnreadableToo()
    {
        await _storage.PutAsync(StoreKeys.Run(Repo, "odd-fox-1"), """{"run_name": "odd-fox-1", "code": 5, "jobs": {}}"""u8.ToArray(), default);

        var error = await Should.ThrowAsync<UnreadableRecordException>(() => Collector.CollectAsync(TimeSpan.Zero, default));

        error.Key.ShouldBe(StoreKeys.Run(Repo, "odd-fox-1"));
    }

    [Fact]
    public async Task Reclaim_TwoRunsThatSharedOneDiff_ReclaimsItOnce()
    {
        var diff = await _blobs.PutAsync("diff --git a/x b/x"u8.ToArray(), default);

        var result = await Collector.ReclaimAsync(["s1", "s1"], [diff, diff], DateTimeOffset.UtcNow.AddMinutes(1), default);

        result.Blobs.ShouldBe(1);
        (await _storage.ExistsAsync(StoreKeys.Blob(diff), default)).ShouldBeFalse();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
