using Amazon.S3.Model;

namespace Dstack.EndToEnd.Tests.Support;

public sealed partial class S3Bucket
{
    /// <summary>Writes an object behind dstack's back (a damaged or hostile record).</summary>
    public Task OverwriteAsync(string key, string text) =>
        Client.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, ContentBody = text });
}
