using System.Security.Cryptography;
using System.Text;
using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// Repos and folders of hundreds of files in a bucket: what is stored already is found in listings, never rewritten or
/// touched, and what changed goes up.
/// </summary>
public sealed class S3BigRepoTests
{
    private const int Files = 300;

    private static string Workflow => "workflows:\n  - name: show\n    provider: bash\n    commands:\n      - cat data/f007.txt\n";

    private static Sandbox WithFiles(Sandbox user, string folder)
    {
        for (var i = 0; i < Files; i++) user.WriteFile($"{folder}/f{i:D3}.txt", $"file {i}\n");
        return user;
    }

    private static string BlobKey(string content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        return $"blobs/{hash[..2]}/{hash}";
    }

    /// <summary>The bucket's blobs, each with its modified time: a touch or a rewrite changes it.</summary>
    private static async Task<Dictionary<string, DateTime>> BlobsAsync(S3Bucket bucket) =>
        (await bucket.ListAsync("blobs/")).ToDictionary(o => o.Key, o => o.LastModified);

    /// <summary>Waits until the server's clock (whole seconds) is past every blob's time, so that a touch would show.</summary>
    private static Task ServerClockPastAsync(S3Bucket bucket, DateTime latest) =>
        Eventually.ReturnsAsync(async () =>
        {
            await bucket.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "probe", ContentBody = "x" });
            return (await bucket.HeadAsync("probe")).LastModified ?? DateTime.MinValue;
        }, t => t > latest, TimeSpan.FromSeconds(10), "the server's clock to move a second on");

    [Fact]
    public async Task Run_UnchangedBigRepoAgain_RewritesNoBlob_AndAChangedFileGoesUp()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        WithFiles(ada.WithWorkflows(Workflow), "data").Commit();
        var first = await ada.DstackAsync("run", "show");
        first.ExitCode.ShouldBe(0, first.ToString());
        var before = await BlobsAsync(bucket);
        await ServerClockPastAsync(bucket, before.Values.Max());

        var again = await ada.DstackAsync("run", "show");

        again.ExitCode.ShouldBe(0, again.ToString());
        again.StdOut.ShouldBe("file 7\n");
        (await BlobsAsync(bucket)).ShouldBe(before, "an unchanged rerun neither rewrites nor touches a blob");
        (await bucket.KeysAsync("writers/")).ShouldBeEmpty("the save's lease and its reuse list are released");
        (await bucket.KeysAsync("submitting/")).ShouldBeEmpty("the submit marker is removed once the record is stored");

        ada.WriteFile("data/f007.txt", "changed\n").Commit(); // committed: no diff blob besides
        var changed = await ada.DstackAsync("run", "show");

        changed.ExitCode.ShouldBe(0, changed.ToString());
        changed.StdOut.ShouldBe("changed\n");
        var after = await BlobsAsync(bucket);
        after.Keys.Except(before.Keys).ShouldBe([BlobKey("changed\n")]);
        before.ShouldAllBe(b => after[b.Key] == b.Value);
    }

    [Fact]
    public async Task TagsAddAndDownload_OfAFolderAlreadyStored_RewriteNoBlob_AndDownloadEveryFile()
    {
        await using var bucket = await S3Bucket.NewAsync();
        await using var ada = await bucket.NewUserAsync();
        WithFiles(ada.WithWorkflows(Workflow), "data").Commit();
        (await ada.DstackAsync("tags", "add", "first", "-a", "data")).ExitCode.ShouldBe(0);
        var before = await BlobsAsync(bucket);
        await ServerClockPastAsync(bucket, before.Values.Max());

        var tag = await ada.DstackAsync("tags", "add", "second", "-a", "data");

        tag.ExitCode.ShouldBe(0, tag.ToString());
        (await BlobsAsync(bucket)).ShouldBe(before, "content already stored is neither rewritten nor touched");
        var (download, dir) = await ada.DownloadAsync(":second");
        download.ExitCode.ShouldBe(0, download.ToString());
        Directory.GetFiles(Path.Combine(dir, "data")).Length.ShouldBe(Files);
        (await File.ReadAllTextAsync(Path.Combine(dir, "data", "f123.txt"))).ShouldBe("file 123\n");
    }
}
