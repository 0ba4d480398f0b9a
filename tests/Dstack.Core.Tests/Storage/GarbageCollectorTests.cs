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

    /// <summary>The store's clock an hour ahead: everything stored so far is older than any cut-off gc computes.</summary>
    private sealed class AnHourLater : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddHours(1);
    }

    private void Age(string key, TimeSpan by) => File.SetLastWriteTimeUtc(_storage.PathOf(key), DateTime.UtcNow - by);

    [Fact]
    public async Task Collect_WhileASaveHoldsALease_KeepsWhatItStored_WhateverTheAgeCutOff()
    {
        var before = await _blobs.PutAsync("stored long before the save"u8.ToArray(), default);
        Age(StoreKeys.Blob(before), TimeSpan.FromMinutes(5));
        await using var lease = await SaveLease.TakeAsync(_storage, default);
        var during = await _blobs.PutAsync("stored by the save, not yet referenced"u8.ToArray(), default);

        var result = await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default);

        result.Blobs.ShouldBe(1);
        (await _storage.ExistsAsync(StoreKeys.Blob(before), default)).ShouldBeFalse();
        (await _storage.ExistsAsync(StoreKeys.Blob(during), default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Collect_ALeaseReleasedOrExpired_NoLongerKeepsAnything()
    {
        var released = await SaveLease.TakeAsync(_storage, default);
        var blob = await _blobs.PutAsync("stored by a save that ended"u8.ToArray(), default);
        await released.DisposeAsync();
        var expired = StoreKeys.Writer("left-by-a-writer-that-died");
        await _storage.PutAsync(expired, ReadOnlyMemory<byte>.Empty, default);
        Age(expired, SaveLease.Expiry + TimeSpan.FromHours(1));

        await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default);

        (await _storage.ExistsAsync(StoreKeys.Blob(blob), default)).ShouldBeFalse();
        (await _storage.ExistsAsync(expired, default)).ShouldBeFalse("an expired lease is removed");
    }

    [Fact]
    public async Task CollectAndReclaim_ContentALiveLeaseNamesAsReused_AreKept_ThoughOldAndUnreferenced()
    {
        var reused = await _blobs.PutAsync("found in a listing by a save, not touched"u8.ToArray(), default);
        Age(StoreKeys.Blob(reused), TimeSpan.FromMinutes(5));
        await using var lease = await SaveLease.TakeAsync(_storage, default);
        await lease.ProtectAsync([reused], default);

        (await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default)).Blobs.ShouldBe(0);
        (await new GarbageCollector(_storage, new AnHourLater()).ReclaimAsync([], [reused], DateTimeOffset.UtcNow.AddMinutes(1), default)).Blobs.ShouldBe(0);

        (await _storage.ExistsAsync(StoreKeys.Blob(reused), default)).ShouldBeTrue();
        await lease.DisposeAsync();
        (await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default)).Blobs.ShouldBe(1);
    }

    [Fact]
    public async Task CollectAndReclaim_AManifestALiveLeaseNamesAsReused_IsKept_ThoughOldAndUnreferenced()
    {
        var id = await new SnapshotStore(_storage).PutManifestAsync(new SnapshotManifest([]), default);
        Age(StoreKeys.Snapshot(id), TimeSpan.FromMinutes(5));
        await using var lease = await SaveLease.TakeAsync(_storage, default);
        await lease.ProtectAsync([id], default);

        (await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default)).Manifests.ShouldBe(0);
        (await new GarbageCollector(_storage, new AnHourLater()).ReclaimAsync([id], [], DateTimeOffset.UtcNow.AddMinutes(1), default)).Manifests.ShouldBe(0);

        (await _storage.ExistsAsync(StoreKeys.Snapshot(id), default)).ShouldBeTrue();
        await lease.DisposeAsync();
        (await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default)).Manifests.ShouldBe(1);
    }

    [Fact]
    public async Task Collect_AnnouncesItselfWhileItRuns_AndRemovesMarkersOfCollectionsThatDied()
    {
        var counted = new Support.CountingStorage(_storage);
        var dead = StoreKeys.Collection("left-by-a-gc-that-died");
        await _storage.PutAsync(dead, ReadOnlyMemory<byte>.Empty, default);
        Age(dead, CollectionMarker.Expiry + TimeSpan.FromMinutes(1));
        (await CollectionMarker.AnyLiveAsync(_storage, DateTimeOffset.UtcNow, default)).ShouldBeFalse("a dead collection's marker is ignored");

        await new GarbageCollector(counted, TimeProvider.System).CollectAsync(TimeSpan.Zero, default);

        counted.Writes.ShouldContain(k => k.StartsWith(StoreKeys.CollectionsPrefix, StringComparison.Ordinal));
        (await _storage.ListAsync(StoreKeys.CollectionsPrefix, default).ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Collect_KeepsWhatRunsArtifactsAndTagsReference_EvenWhenTheirNamesLookLikeOtherRecords()
    {
        var kept = new List<string>();
        async Task<string> Manifest(string content)
        {
            var (id, _) = await new SnapshotStore(_storage).SaveFolderAsync(Write(content), default);
            kept.Add(id);
            return id;
        }
        var saved = DateTimeOffset.UtcNow;
        await _storage.PutAsync(StoreKeys.Run(Repo, "tags"), StoreJson.Serialize(Run("tags", await Manifest("code"))), default);
        // A run named "tags": its jobs' records are not tags.
        await _storage.PutAsync(StoreKeys.JobState(Repo, "tags", 0), StoreJson.Serialize(new JobState { Status = JobStatus.Done }), default);
        // An artifact whose path reads like a tag or a run record is still an artifact pointer.
        await _storage.PutAsync(StoreKeys.Artifact(Repo, "tags", 0, "tags/run.json"),
            StoreJson.Serialize(new ArtifactVersion("tags/run.json", await Manifest("artifact"), 1, 8, saved)), default);
        await _storage.PutAsync(StoreKeys.Tag(Repo, "run.json"), StoreJson.Serialize(new TagRecord
        {
            Name = "run.json", Artifacts = [new ArtifactVersion("model", await Manifest("tagged"), 1, 6, saved)], CreatedAt = saved,
        }), default);
        var (orphan, _) = await new SnapshotStore(_storage).SaveFolderAsync(Write("nothing uses this"), default);

        var result = await new GarbageCollector(_storage, new AnHourLater()).CollectAsync(TimeSpan.Zero, default);

        result.Manifests.ShouldBe(1);
        (await _storage.ExistsAsync(StoreKeys.Snapshot(orphan), default)).ShouldBeFalse();
        foreach (var id in kept) (await _storage.ExistsAsync(StoreKeys.Snapshot(id), default)).ShouldBeTrue();
    }

    private string Write(string content)
    {
        var folder = Path.Combine(_root + "-src", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "file.txt"), content);
        return folder;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        if (Directory.Exists(_root + "-src")) Directory.Delete(_root + "-src", recursive: true);
    }
}
