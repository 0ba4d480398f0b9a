using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class StoreKeysTests
{
    private static readonly RepoRef Repo = new("acme", "widgets");

    public static TheoryData<string, string> Keys() => new()
    {
        { StoreKeys.Run(Repo, "tags"), "run" },
        { StoreKeys.Artifact(Repo, "wet-fox-1", 0, "tags/run.json"), "artifact" },
        { StoreKeys.Artifact(Repo, "wet-fox-1", 2, "model"), "artifact" },
        { StoreKeys.Tag(Repo, "run.json"), "tag" },
        { StoreKeys.JobState(Repo, "wet-fox-1", 0), "other" },
        { StoreKeys.LogChunk(Repo, "wet-fox-1", 0, "0000000001-1-1.log"), "other" },
        { StoreKeys.Secret(Repo, "TOKEN"), "other" },
        { StoreKeys.Snapshot("abc"), "other" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void EveryKeyTheLayoutBuilds_IsRecognisedAsWhatItHolds_AndNothingElse(string key, string kind)
    {
        StoreKeys.IsRun(key).ShouldBe(kind == "run");
        StoreKeys.IsArtifact(key).ShouldBe(kind == "artifact");
        StoreKeys.IsTag(key).ShouldBe(kind == "tag");
    }

    [Fact]
    public void SnapshotAndBlobKeys_GiveBackTheirIds()
    {
        StoreKeys.SnapshotIdOf(StoreKeys.Snapshot("0123abcd")).ShouldBe("0123abcd");
        StoreKeys.BlobHashOf(StoreKeys.Blob("ab12cd")).ShouldBe("ab12cd");
    }
}
