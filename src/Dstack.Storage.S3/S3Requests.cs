using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon.S3;

namespace Dstack.Storage.S3;

/// <summary>
/// The store's small, frequent calls (GET, PUT, HEAD, DELETE of one object, a page of a listing) sent to an S3-compatible
/// endpoint as plain signed HTTP requests, without the SDK: under Native AOT the SDK's first requests cost a short
/// command most of its CPU (its handler pipeline's generic virtual methods are resolved at run time, and its client and
/// configuration are built first), and plain <c>ps</c> is a few such requests (docs/PERFORMANCE.md). A failure answer
/// becomes the SDK's <see cref="AmazonS3Exception"/> (status and S3 error code), so that <see cref="S3StoreException.Translate"/>
/// and the callers read it as before; 5xx, throttling and network failures are retried with backoff, like the SDK's
/// standard mode. Path-style addressing, as the SDK uses with an endpoint.
/// </summary>
internal sealed class S3Requests(S3Options options, Func<S3StaticCredentials> resolveCredentials, TimeProvider? time = null)
{
    /// <summary>One pool of kept-alive connections for the process: a command's requests reuse them.</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, UseCookies = false, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20),
        AutomaticDecompression = DecompressionMethods.None, ConnectCallback = QuickAckConnection.ConnectAsync,
    }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Tries of one request (the SDK's standard mode with <c>MaxErrorRetry = 6</c>).</summary>
    private const int Tries = 7;

    private readonly Uri _endpoint = new(options.EndpointUrl!.TrimEnd('/') + "/");
    private readonly string _region = options.Region ?? "us-east-1";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public sealed record Answer(HttpStatusCode Status, byte[] Body, HttpResponseHeaders Headers, HttpContentHeaders Content);

    /// <summary>The answer to a request that succeeded (2xx); any other answer throws <see cref="AmazonS3Exception"/>.</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string? key, IReadOnlyList<(string Name, string Value)> query,
        IReadOnlyList<(string Name, string Value)> headers, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var payloadHash = S3Signer.PayloadHash(body.Span);
        for (var attempt = 1; ; attempt++)
        {
            Answer answer;
            try { answer = await SendOnceAsync(method, key, query, headers, body, payloadHash, ct); }
            catch (HttpRequestException) when (attempt < Tries)
            {
                await Task.Delay(Backoff(attempt), _time, ct);
                continue;
            }
            if ((int)answer.Status is >= 200 and < 300) return answer;
            var error = Error(method, answer);
            if (attempt < Tries && IsRetryable(answer.Status, error.ErrorCode))
            {
                await Task.Delay(Backoff(attempt), _time, ct);
                continue;
            }
            throw error;
        }
    }

    private async Task<Answer> SendOnceAsync(HttpMethod method, string? key, IReadOnlyList<(string Name, string Value)> query,
        IReadOnlyList<(string Name, string Value)> headers, ReadOnlyMemory<byte> body, string payloadHash, CancellationToken ct)
    {
        var path = _endpoint.AbsolutePath + S3Signer.Encode(options.Bucket, keepSlash: false) + (key is null ? "/" : "/" + S3Signer.Encode(key, keepSlash: true));
        var canonicalQuery = S3Signer.CanonicalQuery(query);
        var uri = new Uri($"{_endpoint.Scheme}://{_endpoint.Authority}{path}{(canonicalQuery.Length > 0 ? "?" + canonicalQuery : "")}");
        var utc = _time.GetUtcNow().UtcDateTime;
        var credentials = resolveCredentials(); // the SDK's provider, when it resolves them, renews temporary ones
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = _endpoint.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = utc.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (credentials.SessionToken is { Length: > 0 } token) signed["x-amz-security-token"] = token;
        foreach (var (name, value) in headers) signed[name.ToLowerInvariant()] = value;
        using var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11 };
        foreach (var (name, value) in signed)
            if (name != "host") request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Host = _endpoint.Authority;
        request.Headers.TryAddWithoutValidation("Authorization",
            S3Signer.Authorization(method.Method, path, query, signed, payloadHash, credentials, _region, utc));
        if (method == HttpMethod.Put) request.Content = new ReadOnlyMemoryContent(body);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var bytes = method == HttpMethod.Head ? [] : await response.Content.ReadAsByteArrayAsync(ct);
        return new Answer(response.StatusCode, bytes, response.Headers, response.Content.Headers);
    }

    /// <summary>The SDK's exception for a failure answer: S3's error code from the XML body (a HEAD has none: the status).</summary>
    private static AmazonS3Exception Error(HttpMethod method, Answer answer)
    {
        var text = Encoding.UTF8.GetString(answer.Body);
        var code = S3Xml.First(text, "Code") ?? (answer.Status == HttpStatusCode.NotFound ? "NotFound" : answer.Status.ToString());
        var message = S3Xml.First(text, "Message") ?? $"{method} answered {(int)answer.Status}";
        var requestId = answer.Headers.TryGetValues("x-amz-request-id", out var ids) ? ids.FirstOrDefault() : null;
        var type = (int)answer.Status >= 500 ? Amazon.Runtime.ErrorType.Receiver : Amazon.Runtime.ErrorType.Sender;
        return new AmazonS3Exception(message, type, code, requestId, answer.Status);
    }

    private static bool IsRetryable(HttpStatusCode status, string? code) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests || code is "SlowDown" or "Throttling" or "RequestTimeout";

    /// <summary>Exponential backoff with full jitter, as the SDK's standard mode: up to 20 s.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(20_000, 100 * Math.Pow(2, attempt - 1)));
}
