using Amazon.Runtime;
using Amazon.S3.Model;
using Dstack.Core.Storage;

namespace Dstack.Storage.S3;

public sealed partial class S3Storage
{
    /// <summary>A put where a secret refused for its SSE-S3 header says so, and how to name a KMS key instead.</summary>
    private Task<PutObjectResponse> PutObjectAsync(string key, PutObjectRequest request, CancellationToken ct) =>
        SseRefusalSaid(key, () => client.PutObjectAsync(request, ct));

    /// <summary>A put of <paramref name="key"/>; when it is a secret's and the server refuses its SSE-S3 header, the error says how to name a KMS key.</summary>
    private async Task<T> SseRefusalSaid<T>(string key, Func<Task<T>> put)
    {
        try { return await put(); }
        catch (AmazonServiceException e) when (key.StartsWith(StoreKeys.PrivatePrefix, StringComparison.Ordinal) && S3StoreException.IsSseS3Refusal(options, e))
        {
            throw S3StoreException.SseS3Refused(options, e);
        }
    }
}
