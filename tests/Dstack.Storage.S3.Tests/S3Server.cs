using Amazon.S3;
using Dstack.Storage.S3;

namespace Dstack.Storage.S3.Tests;

/// <summary>
/// The S3 server the tests run against: Ceph's RADOS Gateway on loopback, started by the test script
/// (<c>test.sh</c>, through <c>scripts/s3-up.sh</c>). Endpoint and keys come from DSTACK_TEST_S3_* variables,
/// with the script's defaults. When it does not answer, tests fail with how to start it: never a silent skip.
/// </summary>
public static class S3Server
{
    public static string Endpoint => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_ENDPOINT") ?? "http://127.0.0.1:7480";
    public static string AccessKey => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_ACCESS_KEY") ?? "CIACCESSKEY";
    public static string SecretKey => Environment.GetEnvironmentVariable("DSTACK_TEST_S3_SECRET_KEY") ?? "CISECRETKEY";

    /// <summary>Empties and removes a test bucket: the test server keeps everything in memory.</summary>
    public static async Task DeleteBucketAsync(IAmazonS3 client, string bucket)
    {
        var request = new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket };
        do
        {
            var page = await client.ListObjectsV2Async(request);
            if (page.S3Objects is { Count: > 0 } objects)
                await client.DeleteObjectsAsync(new Amazon.S3.Model.DeleteObjectsRequest
                {
                    BucketName = bucket, Objects = objects.Select(o => new Amazon.S3.Model.KeyVersion { Key = o.Key }).ToList(),
                });
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
        await client.DeleteBucketAsync(bucket);
    }

    /// <summary>The server's keys as the AWS chain finds them, for a storage built without <see cref="NewBucketAsync"/>.</summary>
    public static void UseCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
    }

    /// <summary>A new, empty bucket and a storage over it.</summary>
    public static async Task<(S3Storage Storage, IAmazonS3 Client, string Bucket)> NewBucketAsync(S3Options? tuning = null)
    {
        UseCredentials();
        var bucket = "t-" + Guid.NewGuid().ToString("N")[..20];
        var options = (tuning ?? new S3Options { Bucket = bucket }) with { Bucket = bucket, EndpointUrl = Endpoint, Region = "us-east-1" };
        var (client, _) = S3ClientFactory.Create(options);
        try { await client.PutBucketAsync(bucket); }
        catch (Exception e) when (e is HttpRequestException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            throw new InvalidOperationException($"No S3 server answers at {Endpoint} ({e.Message}). Start one with scripts/s3-up.sh (the test script does).", e);
        }
        return (new S3Storage(client, options), client, bucket);
    }
}
