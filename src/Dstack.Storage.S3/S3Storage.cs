using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Dstack.Core.Storage;

namespace Dstack.Storage.S3;

/// <summary>
/// <see cref="IStorage"/> over an S3 bucket. Create-only writes use conditional puts (<c>If-None-Match: *</c>);
/// listings follow every page; large objects go up in parallel parts and come down in parallel ranges;
/// keys under <see cref="StoreKeys.PrivatePrefix"/> (secrets) are written with server-side encryption.
/// Transient failures (throttling, 5xx, timeouts) are retried by the client with backoff.
/// </summary>
public sealed partial class S3Storage(IAmazonS3 client, S3Options options) : IStorage
{
    private string Bucket => options.Bucket;

    public Task<byte[]?> GetAsync(string key, CancellationToken ct) => CallAsync(async token =>
    {
        try
        {
            using var response = await client.GetObjectAsync(Bucket, key, token);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, token);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e)) { return null; }
    }, ct);

    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) => CallAsync(async token =>
    {
        var response = await PutObjectAsync(key, Request(key, data), token);
        await EnsureEncryptedAsync(key, response, token);
    }, ct);

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) => CallAsync(async token =>
    {
        var request = Request(key, data);
        request.IfNoneMatch = "*";
        try
        {
            await EnsureEncryptedAsync(key, await PutObjectAsync(key, request, token), token);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed) { return false; }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Two conditional writes raced on the server: whichever finished owns the key.
            return false;
        }
    }, ct);

    public async Task<bool> ExistsAsync(string key, CancellationToken ct) => await HeadAsync(key, ct) is not null;

    /// <summary>A copy of the object onto itself (server-side) renews its modified time.</summary>
    public async Task<bool> TouchAsync(string key, CancellationToken ct)
    {
        var head = await HeadAsync(key, ct);
        if (head is null) return false;
        if (head.ContentLength >= 5L << 30) return true; // CopyObject's limit; such content is only ever reused by name
        var copy = new CopyObjectRequest
        {
            SourceBucket = Bucket, SourceKey = key, DestinationBucket = Bucket, DestinationKey = key,
            MetadataDirective = S3MetadataDirective.REPLACE,
        };
        if (key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal))
        {
            copy.ServerSideEncryptionMethod = options.KmsKeyId is null ? ServerSideEncryptionMethod.AES256 : ServerSideEncryptionMethod.AWSKMS;
            copy.ServerSideEncryptionKeyManagementServiceKeyId = options.KmsKeyId;
        }
        await CallAsync(token => client.CopyObjectAsync(copy, token), ct);
        return true;
    }

    public async Task<DateTimeOffset?> GetModifiedAsync(string key, CancellationToken ct) =>
        await HeadAsync(key, ct) is { } head && head.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null;

    public Task DeleteAsync(string key, CancellationToken ct) => CallAsync(token => client.DeleteObjectAsync(Bucket, key, token), ct);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) => ListAfterAsync(prefix, null, ct);

    public async IAsyncEnumerable<string> ListAfterAsync(string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, StartAfter = startAfter };
        do
        {
            var page = await CallAsync(token => client.ListObjectsV2Async(request, token), ct);
            foreach (var obj in page.S3Objects ?? []) yield return obj.Key;
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
    }

    public async IAsyncEnumerable<string> ListChildrenAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, Delimiter = "/" };
        var names = new List<string>();
        do
        {
            var page = await CallAsync(token => client.ListObjectsV2Async(request, token), ct);
            names.AddRange((page.CommonPrefixes ?? []).Select(p => p[prefix.Length..]));
            names.AddRange((page.S3Objects ?? []).Select(o => o.Key[prefix.Length..]).Where(n => n.Length > 0));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names) yield return name;
    }

    private PutObjectRequest Request(string key, ReadOnlyMemory<byte> data)
    {
        var request = new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data.ToArray()), UseChunkEncoding = false };
        Encrypt(key, request);
        return request;
    }

    /// <summary>Secrets are encrypted at rest: SSE-KMS with the configured key, else SSE-S3.</summary>
    private void Encrypt(string key, PutObjectRequest request)
    {
        if (!key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal)) return;
        if (options.KmsKeyId is { } kms)
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
            request.ServerSideEncryptionKeyManagementServiceKeyId = kms;
        }
        else request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
    }

    /// <summary>
    /// A server may accept the encryption headers and store the object in the clear anyway (Ceph RGW without an
    /// SSE-S3 backend does): a secret stored so is removed again, and the write fails.
    /// </summary>
    private async Task EnsureEncryptedAsync(string key, PutObjectResponse response, CancellationToken ct)
    {
        if (!key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal)) return;
        if (response.ServerSideEncryptionMethod is { Value.Length: > 0 } method && method != ServerSideEncryptionMethod.None) return;
        await client.DeleteObjectAsync(Bucket, key, ct);
        throw S3StoreException.NotEncrypted(options);
    }

    private Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken ct) => CallAsync(async token =>
    {
        try { return await client.GetObjectMetadataAsync(Bucket, key, token); }
        catch (AmazonS3Exception e) when (IsMissingKey(e)) { return null; }
    }, ct);

    /// <summary>A missing object, as opposed to a missing bucket (which a HEAD cannot tell apart: its answer has no body).</summary>
    private static bool IsMissingKey(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";

    /// <summary>
    /// Runs one S3 call (with the client's retries) under a deadline: <see cref="S3Options.CallTimeout"/>, plus time for
    /// <paramref name="bytes"/> of file content. A failure that is the bucket's, the credentials' or the network's, or
    /// no answer by the deadline, becomes one sentence.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct, long bytes = 0)
    {
        var limit = options.DeadlineFor(bytes);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        try { return await call(deadline.Token); }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw await S3StoreException.OutOfTimeAsync(options, limit, configuring: false, e);
        }
        catch (Exception e) when (S3StoreException.Translate(e, options, () => S3ClientFactory.CredentialSource(options.Profile), configuring: false, ct) is { } error)
        {
            throw error;
        }
    }

    private Task CallAsync(Func<CancellationToken, Task> call, CancellationToken ct, long bytes = 0) =>
        CallAsync(async token => { await call(token); return true; }, ct, bytes);
}
