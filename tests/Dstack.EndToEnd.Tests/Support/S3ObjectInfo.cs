namespace Dstack.EndToEnd.Tests.Support;

/// <summary>One object of a bucket listing: enough to tell whether it was ever rewritten.</summary>
public sealed record S3ObjectInfo(string Key, string ETag, DateTime LastModified, long Size)
{
    public override string ToString() => $"{Key} {ETag} {LastModified:O} {Size}B";
}
