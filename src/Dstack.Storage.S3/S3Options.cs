namespace Dstack.Storage.S3;

/// <summary>
/// Where the store lives in S3. Defaults: region from the AWS chain (else us-east-1); credentials from the
/// standard AWS chain (environment variables, then <c>~/.aws/credentials</c>), or the named <see cref="Profile"/>.
/// </summary>
public sealed record S3Options
{
    public required string Bucket { get; init; }
    public string? Region { get; init; }
    public string? Profile { get; init; }
    /// <summary>An S3-compatible endpoint (Ceph, MinIO, …); path-style addressing is used with it.</summary>
    public string? EndpointUrl { get; init; }
    /// <summary>SSE-KMS key for secrets; without it secrets are written with SSE-S3.</summary>
    public string? KmsKeyId { get; init; }
    /// <summary>Credentials given to this process (a runner on an SSH host); null: the AWS chain or <see cref="Profile"/>.</summary>
    public S3StaticCredentials? Credentials { get; init; }
    /// <summary>
    /// With an <see cref="EndpointUrl"/>, the small calls (one object's GET, PUT, HEAD, DELETE; listings) go as plain signed
    /// HTTP requests (<see cref="S3Requests"/>) instead of through the SDK, whose start costs a short command most of its CPU.
    /// </summary>
    public bool DirectRequests { get; init; } = true;
    /// <summary>Objects at least this large go up in parallel parts and come down in parallel ranges.</summary>
    public long MultipartThreshold { get; init; } = 32L << 20;
    public long PartSize { get; init; } = 16L << 20;
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// How long one store call may take, retries included, before it fails as unreachable: a server that accepts
    /// connections but never answers must not hold a command for minutes.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A file transfer gets <see cref="CallTimeout"/> plus the time its bytes take at this rate (bytes per second).</summary>
    public long SlowestTransferRate { get; init; } = 256L << 10;

    /// <summary>The deadline of a call that moves <paramref name="bytes"/> of file content.</summary>
    public TimeSpan DeadlineFor(long bytes) => CallTimeout + TimeSpan.FromSeconds((double)bytes / SlowestTransferRate);
}
