using System.Security.Cryptography;
using Dstack.Core.Storage;

namespace Dstack.Storage.S3.Tests;

public sealed class S3StorageLargeObjectTests
{
    [Fact]
    public async Task PutFileAndOpenRead_AboveTheMultipartThreshold_RoundTripsExactly()
    {
        // Small parts so that a 21 MiB file takes the parallel multipart and ranged paths.
        var (storage, client, bucket) = await S3Server.NewBucketAsync(new S3Options { Bucket = "x", MultipartThreshold = 8L << 20, PartSize = 5L << 20 });
        var src = Path.GetTempFileName();
        var data = RandomNumberGenerator.GetBytes(21 << 20);
        await File.WriteAllBytesAsync(src, data);

        await storage.PutFileAsync("big/file", src, default);
        await using (var stream = await storage.OpenReadAsync("big/file", default))
            (await SHA256.HashDataAsync(stream!)).ShouldBe(SHA256.HashData(data), "the ranges, fetched in parallel, read back in order");

        File.Delete(src);
        await S3Server.DeleteBucketAsync(client, bucket);
    }

    [Fact]
    public async Task OpenRead_EmptyObject_ReadsNothing()
    {
        var (storage, _, _) = await S3Server.NewBucketAsync();
        await storage.PutAsync("empty", ReadOnlyMemory<byte>.Empty, default);
        await using var stream = await storage.OpenReadAsync("empty", default);
        (await stream!.ReadAsync(new byte[16])).ShouldBe(0);
    }

    [Fact]
    public async Task Secrets_AreWrittenWithServerSideEncryption_AndRunStateIsNot()
    {
        // The test server's KMS knows 'testkey-1' (scripts/s3-up.sh); SSE-S3, the default without a key, needs a Vault there.
        var (storage, client, bucket) = await S3Server.NewBucketAsync(new S3Options { Bucket = "x", KmsKeyId = "testkey-1" });
        var secret = StoreKeys.PrivatePrefix + "acme/widgets/TOKEN.json";
        await storage.PutAsync(secret, "{\"value\":\"v\"}"u8.ToArray(), default);
        await storage.PutAsync("repos/acme/widgets/runs/r/run.json", "{}"u8.ToArray(), default);

        (await client.GetObjectMetadataAsync(bucket, secret)).ServerSideEncryptionMethod.Value.ShouldBe("aws:kms");
        (await client.GetObjectMetadataAsync(bucket, "repos/acme/widgets/runs/r/run.json")).ServerSideEncryptionMethod?.Value.ShouldNotBe("aws:kms");
        System.Text.Encoding.UTF8.GetString((await storage.GetAsync(secret, default))!).ShouldBe("{\"value\":\"v\"}");
    }
}
