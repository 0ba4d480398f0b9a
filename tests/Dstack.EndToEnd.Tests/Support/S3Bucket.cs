using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A bucket of the test S3 server with a unique name, looked into directly with the SDK (never through dstack).
/// dstack creates it (<see cref="NewUserAsync"/> configures with <c>-y</c>); disposing removes it and everything in it.
/// </summary>
public sealed partial class S3Bucket : IAsyncDisposable
{
    private S3Bucket(string name, string dstackEndpoint)
    {
        Name = name;
        DstackEndpoint = dstackEndpoint;
    }

    public string Name { get; }

    /// <summary>The endpoint dstack is configured with: the server, or a proxy in front of it.</summary>
    public string DstackEndpoint { get; }

    public IAmazonS3 Client { get; } = S3Endpoint.Client();

    /// <summary>A new bucket name (the bucket is not created yet); dstack talks to <paramref name="dstackEndpoint"/> (default: the server).</summary>
    public static async Task<S3Bucket> NewAsync(string? dstackEndpoint = null)
    {
        await S3Endpoint.EnsureUpAsync();
        return new S3Bucket(S3Endpoint.NewBucketName(), dstackEndpoint ?? S3Endpoint.Url);
    }

    public static string RunsPrefix(string owner = Sandbox.Owner, string repo = Sandbox.RepoName) => $"repos/{owner}/{repo}/runs/";

    public static string RunPrefix(string run, string owner = Sandbox.Owner, string repo = Sandbox.RepoName) => $"repos/{owner}/{repo}/runs/{run}/";

    public static string JobPrefix(string run) => RunPrefix(run) + "jobs/0/";

    public async Task<bool> ExistsAsync()
    {
        try
        {
            await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name, MaxKeys = 1 });
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket") { return false; }
    }

    /// <summary>Every object under <paramref name="prefix"/>, all pages, in key order.</summary>
    public async Task<IReadOnlyList<S3ObjectInfo>> ListAsync(string prefix = "")
    {
        var objects = new List<S3ObjectInfo>();
        var request = new ListObjectsV2Request { BucketName = Name, Prefix = prefix };
        do
        {
            var page = await Client.ListObjectsV2Async(request);
            objects.AddRange((page.S3Objects ?? []).Select(o => new S3ObjectInfo(o.Key, o.ETag, o.LastModified ?? default, o.Size ?? 0)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
        return objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string prefix = "") => (await ListAsync(prefix)).Select(o => o.Key).ToList();

    public async Task<byte[]?> ReadAsync(string key)
    {
        try
        {
            using var response = await Client.GetObjectAsync(Name, key);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey") { return null; }
    }

    public async Task<string?> ReadTextAsync(string key) => await ReadAsync(key) is { } data ? Encoding.UTF8.GetString(data) : null;

    public Task<GetObjectMetadataResponse> HeadAsync(string key) => Client.GetObjectMetadataAsync(Name, key);

    /// <summary>The <c>status</c> of the run's job as its <c>state.json</c> in the bucket says (e.g. <c>uploading</c>); null before there is one.</summary>
    public async Task<string?> JobStatusAsync(string run)
    {
        if (await ReadAsync(JobPrefix(run) + "state.json") is not { } data) return null;
        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.GetProperty("status").GetString();
    }

    /// <summary>The keys (outside <paramref name="exceptPrefix"/>, when given) of the objects whose bytes contain <paramref name="text"/>.</summary>
    public async Task<IReadOnlyList<string>> KeysContainingAsync(string text, string? exceptPrefix = null)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (var obj in await ListAsync())
            if ((exceptPrefix is null || !obj.Key.StartsWith(exceptPrefix, StringComparison.Ordinal)) && await ReadAsync(obj.Key) is { } data && data.AsSpan().IndexOf(needle) >= 0)
                found.Add(obj.Key);
        return found;
    }

    /// <summary>Removes the bucket with its objects and unfinished uploads (best effort: the server is shared and small).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!await ExistsAsync()) return;
            var uploads = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Name });
            foreach (var upload in uploads.MultipartUploads ?? [])
                await Client.AbortMultipartUploadAsync(Name, upload.Key, upload.UploadId);
            foreach (var batch in (await ListAsync()).Chunk(500))
                await Client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = Name, Objects = batch.Select(o => new KeyVersion { Key = o.Key }).ToList(),
                });
            await Client.DeleteBucketAsync(Name);
        }
        catch (Exception) { /* best effort: a leftover bucket costs only space */ }
        finally { Client.Dispose(); }
    }

    public override string ToString() => Name;
}
