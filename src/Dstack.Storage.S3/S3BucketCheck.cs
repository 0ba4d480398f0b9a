using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Dstack.Core.Errors;

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
        var where = options.EndpointUrl ?? $"AWS ({options.Region ?? "default region"})";
        try
        {
            if (!await ExistsAsync(client, options.Bucket, ct))
            {
                if (!createMissing())
                    throw new DstackException($"Bucket '{options.Bucket}' does not exist at {where}. Create it, or run again with -y to let dstack create it.");
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
        catch (AmazonS3Exception e) when (e.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch")
        {
            throw new DstackException($"The credentials from {source} were rejected by {where} ({e.ErrorCode}). Check them, or pick others with --profile.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new DstackException($"No access to bucket '{options.Bucket}' at {where} with the credentials from {source} ({e.ErrorCode}). Ask for access, or use another bucket or --profile.");
        }
        catch (AmazonServiceException e) when (e.InnerException is HttpRequestException or TimeoutException || e.StatusCode == 0)
        {
            throw new DstackException($"Cannot reach S3 at {where}: {e.InnerException?.Message ?? e.Message}. Check --endpoint-url and the network.");
        }
        catch (HttpRequestException e)
        {
            throw new DstackException($"Cannot reach S3 at {where}: {e.Message}. Check --endpoint-url and the network.");
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
