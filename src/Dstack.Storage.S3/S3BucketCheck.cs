using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Dstack.Storage.S3;

/// <summary>
/// Proves a bucket is usable before a config names it: it exists (or is created, when the user agrees), and
/// these credentials can write, read and delete in it. Every failure names the bucket and the credential source.
/// </summary>
public static class S3BucketCheck
{
    public static async Task CheckAsync(S3Options options, Func<bool> createMissing, CancellationToken ct)
    {
        var (client, source) = S3ClientFactory.Create(options with { });
        try
        {
            await CheckCoreAsync(client, options, createMissing, ct);
        }
        catch (Exception e) when (S3StoreException.Translate(e, options, () => source, configuring: true, ct) is { } error)
        {
            throw error;
        }
    }

    /// <summary>The whole check has one store call's deadline: a server that never answers fails it in seconds, not minutes.</summary>
    private static async Task CheckCoreAsync(IAmazonS3 client, S3Options options, Func<bool> createMissing, CancellationToken caller)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(caller);
        var ct = deadline.Token;
        deadline.CancelAfter(options.CallTimeout);
        try
        {
            if (!await ExistsAsync(client, options.Bucket, ct))
            {
                if (!createMissing()) throw S3StoreException.BucketMissing(options, configuring: true);
                var put = new PutBucketRequest { BucketName = options.Bucket };
                if (options.EndpointUrl is null && options.Region is { } region && region != "us-east-1")
                    put.BucketRegionName = region;
                await client.PutBucketAsync(put, ct);
            }
            const string probe = ".dstack-probe";
            await client.PutObjectAsync(new PutObjectRequest { BucketName = options.Bucket, Key = probe, ContentBody = "ok", UseChunkEncoding = false }, ct);
            using (await client.GetObjectAsync(options.Bucket, probe, ct)) { }
            await client.DeleteObjectAsync(options.Bucket, probe, ct);
        }
        catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
        {
            throw await S3StoreException.OutOfTimeAsync(options, options.CallTimeout, configuring: true, e);
        }
    }

    /// <summary>
    /// Why a secret could not be stored encrypted in the bucket with these settings (the server ignores or refuses
    /// SSE-S3, or cannot use the KMS key), found by storing and removing a probe secret; null when it can.
    /// </summary>
    public static async Task<S3StoreException?> SecretEncryptionProblemAsync(S3Options options, CancellationToken ct)
    {
        var storage = new S3Storage(S3ClientFactory.Create(options).Client, options);
        const string probe = Core.Storage.StoreKeys.PrivatePrefix + ".dstack-probe";
        try
        {
            await storage.PutAsync(probe, "ok"u8.ToArray(), ct);
            await storage.DeleteAsync(probe, ct);
            return null;
        }
        catch (S3StoreException e) when (e.IsAboutSecretEncryption)
        {
            return e;
        }
    }

    private static async Task<bool> ExistsAsync(IAmazonS3 client, string bucket, CancellationToken ct)
    {
        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "NoSuchBucket") { return false; }
    }
}
