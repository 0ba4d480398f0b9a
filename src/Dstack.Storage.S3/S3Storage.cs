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
public sealed partial class S3Storage : IStorage
{
    private readonly S3Options options;
    private readonly Lazy<IAmazonS3> _client;

    /// <summary>The small calls as plain HTTP requests (<see cref="S3Options.DirectRequests"/>); null: all through the SDK.</summary>
    private readonly S3Requests? _requests;

    /// <summary>The store over <paramref name="options"/>' bucket; the SDK's client is built at its first use.</summary>
    public S3Storage(S3Options options) : this(options, () => S3ClientFactory.Create(options).Client) { }

    public S3Storage(IAmazonS3 client, S3Options options) : this(options, () => client) { }

    private S3Storage(S3Options options, Func<IAmazonS3> client)
    {
        this.options = options;
        _client = new Lazy<IAmazonS3>(client);
        if (options.EndpointUrl is not null && options.DirectRequests) _requests = new S3Requests(options, S3ClientFactory.CredentialsFor(options));
    }

    private IAmazonS3 client => _client.Value;

    /// <summary>Whether the SDK's client was built: the small calls to an endpoint need none.</summary>
    internal bool SdkClientBuilt => _client.IsValueCreated;

    private string Bucket => options.Bucket;

    public Task<byte[]?> GetAsync(string key, CancellationToken ct) => CallAsync(async token =>
    {
        try
        {
            if (_requests is { } http) return (await http.SendAsync(HttpMethod.Get, key, [], [], default, token)).Body;
            using var response = await client.GetObjectAsync(Bucket, key, token);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, token);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e)) { return null; }
    }, ct);

    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) => CallAsync(async token =>
        await EnsureEncryptedAsync(key, await PutAsync(key, data, ifAbsent: false, token), token), ct);

    public Task<bool> PutIfAbsentAsync(string key, ReadOnlyMemory<byte> data, CancellationToken ct) => CallAsync(async token =>
    {
        try
        {
            await EnsureEncryptedAsync(key, await PutAsync(key, data, ifAbsent: true, token), token);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed) { return false; }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Two conditional writes raced on the server: whichever finished owns the key.
            return false;
        }
    }, ct);

    /// <summary>Puts the object (only when there is none, with <paramref name="ifAbsent"/>); the encryption the server says it applied.</summary>
    private async Task<string?> PutAsync(string key, ReadOnlyMemory<byte> data, bool ifAbsent, CancellationToken ct)
    {
        if (_requests is { } http)
        {
            var headers = EncryptionHeaders(key);
            if (ifAbsent) headers.Add(("If-None-Match", "*"));
            var answer = await SseRefusalSaid(key, () => http.SendAsync(HttpMethod.Put, key, [], headers, data, ct));
            return answer.Headers.TryGetValues("x-amz-server-side-encryption", out var values) ? values.FirstOrDefault() : null;
        }
        var request = Request(key, data);
        if (ifAbsent) request.IfNoneMatch = "*";
        return (await PutObjectAsync(key, request, ct)).ServerSideEncryptionMethod?.Value;
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct) => await HeadAsync(key, ct) is not null;

    /// <summary>A copy of the object onto itself (server-side) renews its modified time.</summary>
    public async Task<bool> TouchAsync(string key, CancellationToken ct)
    {
        var head = await HeadAsync(key, ct);
        if (head is null) return false;
        if (head.Length >= 5L << 30) return true; // CopyObject's limit; such content is only ever reused by name
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
        (await HeadAsync(key, ct))?.Modified;

    public Task DeleteAsync(string key, CancellationToken ct) => CallAsync(token => _requests is { } http
        ? http.SendAsync(HttpMethod.Delete, key, [], [], default, token)
        : client.DeleteObjectAsync(Bucket, key, token), ct);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct) => ListAfterAsync(prefix, null, ct);

    public async IAsyncEnumerable<string> ListAfterAsync(string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken ct)
    {
        string? next = null;
        do
        {
            var page = await CallAsync(token => ListPageAsync(prefix, startAfter, delimited: false, next, token), ct);
            foreach (var key in page.Keys) yield return key;
            next = page.Next;
        }
        while (next is not null);
    }

    public async IAsyncEnumerable<string> ListChildrenAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await CallAsync(token => ListPageAsync(prefix, null, delimited: true, next, token), ct);
            names.AddRange(page.Prefixes.Select(p => p[prefix.Length..]));
            names.AddRange(page.Keys.Select(k => k[prefix.Length..]).Where(n => n.Length > 0));
            next = page.Next;
        }
        while (next is not null);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names) yield return name;
    }

    /// <summary>One page of a ListObjectsV2 listing (with <paramref name="delimited"/>, grouped by <c>/</c>), and the token of the next one.</summary>
    private async Task<(List<string> Keys, List<string> Prefixes, string? Next)> ListPageAsync(string prefix, string? startAfter, bool delimited, string? next, CancellationToken ct)
    {
        if (_requests is { } http)
        {
            var query = new List<(string, string)> { ("list-type", "2"), ("prefix", prefix) };
            if (startAfter is not null) query.Add(("start-after", startAfter));
            if (delimited) query.Add(("delimiter", "/"));
            if (next is not null) query.Add(("continuation-token", next));
            return S3Xml.ListPage(System.Text.Encoding.UTF8.GetString((await http.SendAsync(HttpMethod.Get, null, query, [], default, ct)).Body));
        }
        var page = await client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = Bucket, Prefix = prefix, StartAfter = startAfter, Delimiter = delimited ? "/" : null, ContinuationToken = next,
        }, ct);
        return ((page.S3Objects ?? []).Select(o => o.Key).ToList(), page.CommonPrefixes ?? [], page.NextContinuationToken);
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

    /// <summary>The same as <see cref="Encrypt"/>, as the headers of a plain request.</summary>
    private List<(string Name, string Value)> EncryptionHeaders(string key)
    {
        if (!key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal)) return [];
        if (options.KmsKeyId is not { } kms) return [("x-amz-server-side-encryption", ServerSideEncryptionMethod.AES256.Value)];
        return [("x-amz-server-side-encryption", ServerSideEncryptionMethod.AWSKMS.Value), ("x-amz-server-side-encryption-aws-kms-key-id", kms)];
    }

    /// <summary>
    /// A server may accept the encryption headers and store the object in the clear anyway (Ceph RGW without an
    /// SSE-S3 backend does): a secret stored so (<paramref name="method"/>: the encryption its answer names) is removed
    /// again, and the write fails.
    /// </summary>
    private async Task EnsureEncryptedAsync(string key, string? method, CancellationToken ct)
    {
        if (!key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal)) return;
        if (method is { Length: > 0 } && method != ServerSideEncryptionMethod.None.Value) return;
        await DeleteAsync(key, ct);
        throw S3StoreException.NotEncrypted(options);
    }

    /// <summary>An object's size and last change, as a HEAD answers.</summary>
    private sealed record Head(long Length, DateTimeOffset? Modified);

    private Task<Head?> HeadAsync(string key, CancellationToken ct) => CallAsync(async token =>
    {
        try
        {
            if (_requests is { } http)
            {
                var answer = await http.SendAsync(HttpMethod.Head, key, [], [], default, token);
                return new Head(answer.Content.ContentLength ?? 0, answer.Content.LastModified?.ToUniversalTime());
            }
            var head = await client.GetObjectMetadataAsync(Bucket, key, token);
            return new Head(head.ContentLength, head.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e)) { return (Head?)null; }
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
