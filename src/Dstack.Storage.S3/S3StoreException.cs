using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Dstack.Core.Errors;

namespace Dstack.Storage.S3;

/// <summary>
/// A bucket that cannot be used, in one sentence naming the bucket, the server, where the credentials came from,
/// and the fix. <see cref="Translate"/> maps the SDK's failures (raised once its retries are spent) to these, so every
/// command, and the runner's failure reasons, read the same as <c>dstack config</c>'s check.
/// </summary>
public sealed class S3StoreException(string message, Exception? inner = null) : DstackException(message, inner)
{
    /// <summary>Secrets cannot be stored encrypted with these settings; everything else in the bucket works.</summary>
    public bool IsAboutSecretEncryption { get; private init; }

    /// <summary>The server, as the messages name it: the endpoint, or AWS and its region.</summary>
    public static string Where(S3Options options) => options.EndpointUrl ?? $"AWS ({options.Region ?? "default region"})";

    public static S3StoreException ProfileNotFound(string profile) =>
        new($"AWS profile '{profile}' not found in ~/.aws/credentials or ~/.aws/config. Create it with `aws configure --profile {profile}`.");

    public static S3StoreException NoCredentials() =>
        new("No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile with `aws configure`.");

    public static S3StoreException BucketMissing(S3Options options, bool configuring, Exception? inner = null) => new(
        $"Bucket '{options.Bucket}' does not exist at {Where(options)}. " +
        (configuring ? "Create it, or run again with -y to let dstack create it." : "Create it, or choose another with `dstack config`."), inner);

    public static S3StoreException CredentialsRejected(S3Options options, string source, string code, bool configuring, Exception? inner = null) => new(
        $"The credentials from {source} were rejected by {Where(options)} ({code}). " +
        (configuring ? "Check them, or pick others with --profile." : "Check them, or pick a profile with `dstack config`."), inner);

    public static S3StoreException NoAccess(S3Options options, string source, string code, bool configuring, Exception? inner = null) => new(
        $"No access to bucket '{options.Bucket}' at {Where(options)} with the credentials from {source} ({code}). " +
        (configuring ? "Ask for access, or use another bucket or --profile." : "Ask for access, or choose another bucket or profile with `dstack config`."), inner);

    public static S3StoreException Unreachable(S3Options options, string detail, bool configuring, Exception? inner = null) => new(
        $"Cannot reach S3 at {Where(options)}: {detail}. " +
        (configuring ? "Check --endpoint-url and the network." : "Check the network, and the endpoint with `dstack config`."), inner);

    /// <summary>The server took the connection but gave no answer by the call's deadline.</summary>
    public static S3StoreException NoAnswer(S3Options options, TimeSpan deadline, bool configuring, Exception? inner = null) =>
        Unreachable(options, $"no answer in {deadline.TotalSeconds:0} s", configuring, inner);

    /// <summary>A call out of time: a refused connection when that is why (the client's retries hid it), no answer otherwise.</summary>
    public static async Task<S3StoreException> OutOfTimeAsync(S3Options options, TimeSpan deadline, bool configuring, Exception inner) =>
        await EndpointProbe.RefusalAsync(options.EndpointUrl) is { } refusal
            ? Unreachable(options, refusal, configuring, inner)
            : NoAnswer(options, deadline, configuring, inner);

    /// <summary>Any other answer than success from the server, once retried where that made sense (5xx, throttling).</summary>
    public static S3StoreException Unexpected(S3Options options, AmazonServiceException e, bool configuring) => new(
        $"S3 at {Where(options)} answered {(int)e.StatusCode} {(string.IsNullOrEmpty(e.ErrorCode) ? e.StatusCode.ToString() : e.ErrorCode)} on bucket '{options.Bucket}'. " +
        (configuring ? "Check that --endpoint-url is an S3 server, or try again later." : "Try again later; if it goes on, check the server, and the endpoint with `dstack config`."), e);

    public static S3StoreException NotEncrypted(S3Options options) => new(
        $"S3 at {Where(options)} stored a secret without encryption ({(options.KmsKeyId is null ? "it ignores SSE-S3" : $"it ignores SSE-KMS with key '{options.KmsKeyId}'")}), " +
        $"so dstack removed it again. {NameAKmsKey(options)}") { IsAboutSecretEncryption = true };

    /// <summary>The server refuses SSE-S3 (Ceph RGW's default, until an SSE-S3 backend is configured).</summary>
    public static S3StoreException SseS3Refused(S3Options options, AmazonServiceException e) => new(
        $"S3 at {Where(options)} refuses to encrypt secrets with SSE-S3 ({e.ErrorCode}{(string.IsNullOrWhiteSpace(e.Message) ? "" : $": {e.Message.TrimEnd('.')}")}), " +
        $"so no secret was stored. {NameAKmsKey(options)}", e) { IsAboutSecretEncryption = true };

    /// <summary>Whether a refused write of a secret is the server refusing SSE-S3 (a 400 or 501 about the encryption header).</summary>
    public static bool IsSseS3Refusal(S3Options options, AmazonServiceException e) =>
        options.KmsKeyId is null
        && e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotImplemented
        && (e.ErrorCode is "InvalidArgument" or "InvalidRequest" or "NotImplemented" or "InvalidEncryptionAlgorithmError"
            || e.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase));

    private static string NameAKmsKey(S3Options options) =>
        $"Name a KMS key the server can use: {ConfigCommand(options)} --kms-key-id KEY " +
        "(on Ceph RGW, a key of `rgw crypt s3 kms encryption keys` or of its KMS backend; or configure its SSE-S3 backend)";

    /// <summary>The <c>dstack config</c> command that keeps these settings (but the KMS key).</summary>
    private static string ConfigCommand(S3Options options) =>
        $"dstack config --backend s3 --bucket {options.Bucket}" + (options.Region is { } region ? $" --region {region}" : "") +
        (options.Profile is { } profile ? $" --profile {profile}" : "") + (options.EndpointUrl is { } endpoint ? $" --endpoint-url {endpoint}" : "");

    public static S3StoreException KmsKeyUnusable(S3Options options, string detail, Exception? inner = null) => new(
        $"The KMS key '{options.KmsKeyId}' cannot be used at {Where(options)} ({detail}). Check the key id and your access to it, or name another with `dstack config --kms-key-id`.", inner)
    { IsAboutSecretEncryption = true };

    /// <summary>
    /// The user-facing error for a failure of an S3 call, or null when it is none of these (a bug, or a cancellation
    /// the caller asked for). <paramref name="source"/> is asked only when the credentials are to blame.
    /// </summary>
    public static S3StoreException? Translate(Exception e, S3Options options, Func<string> source, bool configuring, CancellationToken ct)
    {
        switch (e)
        {
            case S3StoreException:
                return null;
            case OperationCanceledException when ct.IsCancellationRequested:
                return null;
            case OperationCanceledException:
                return Unreachable(options, "no answer in time", configuring, e);
            case AmazonServiceException s when options.KmsKeyId is not null && IsAboutKms(s):
                return KmsKeyUnusable(options, string.IsNullOrWhiteSpace(s.Message) ? s.ErrorCode : $"{s.ErrorCode}: {s.Message.TrimEnd('.')}", e);
            case AmazonServiceException { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" } s:
                return CredentialsRejected(options, source(), s.ErrorCode, configuring, e);
            case AmazonServiceException { ErrorCode: "NoSuchBucket" }:
                return BucketMissing(options, configuring, e);
            case AmazonServiceException { StatusCode: HttpStatusCode.Forbidden } s:
                return NoAccess(options, source(), s.ErrorCode is { Length: > 0 } code ? code : "403 Forbidden", configuring, e);
        }
        if (NetworkDetail(e) is { } detail) return Unreachable(options, detail, configuring, e);
        return e is AmazonServiceException { StatusCode: > 0 } answer ? Unexpected(options, answer, configuring) : null;
    }

    /// <summary>
    /// A refusal because of the KMS key: AWS answers with <c>KMS.*</c> codes; Ceph RGW with InvalidAccessKeyId and a
    /// message naming the <c>kms-keyid</c>.
    /// </summary>
    private static bool IsAboutKms(AmazonServiceException e) =>
        e.ErrorCode?.StartsWith("KMS.", StringComparison.Ordinal) == true || e.Message.Contains("kms", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What the network said, when the failure is the network's: the innermost socket or HTTP message. A local file's
    /// failure (an <see cref="IOException"/> of its own) is not the network's.
    /// </summary>
    private static string? NetworkDetail(Exception e)
    {
        string? detail = null;
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is HttpRequestException or HttpIOException or SocketException or TimeoutException) detail = x.Message;
        return string.IsNullOrWhiteSpace(detail) ? null : detail.TrimEnd('.');
    }
}
