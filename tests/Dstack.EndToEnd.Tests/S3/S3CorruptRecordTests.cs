using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>A damaged record in a shared bucket: the scenario of <see cref="CorruptRecordTests"/>, on the real S3 server.</summary>
public sealed class S3CorruptRecordTests
{
    [Fact]
    public async Task Bucket_OneCorruptRecord_DoesNotBreakPsTagsRmOrGc()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Workflows.HelloAndWait + Workflows.Data.Replace("workflows:\n", "\n")).Commit();

        await CorruptRecordTests.OneCorruptRecordScenarioAsync(ada,
            (key, text) => bucket.OverwriteAsync(key, text),
            async key => await bucket.ReadTextAsync(key) ?? "",
            async prefix => (await bucket.KeysAsync(prefix)).Count > 0,
            async () => (await bucket.KeysAsync("blobs/")).Count);
    }
}
