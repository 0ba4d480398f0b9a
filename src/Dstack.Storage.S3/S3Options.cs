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
    /// <summary>Objects at least this large go up in parallel parts and come down in parallel ranges.</summary>
    public long MultipartThreshold { get; init; } = 32L << 20;
    public long PartSize { get; init; } = 16L << 20;
    public int Parallelism { get; init; } = 8;
}
