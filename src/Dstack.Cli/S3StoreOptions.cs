using Dstack.Core.Config;
using Dstack.Storage.S3;

namespace Dstack.Cli;

/// <summary>The S3 client's options from <c>config.yaml</c>; kept apart so that the SDK loads only when it is used.</summary>
public static class S3StoreOptions
{
    /// <param name="handed">The credentials file's text a runner on an SSH host was given; null: the AWS chain.</param>
    public static S3Options From(DstackConfig config, string? handed = null) => new()
    {
        Bucket = config.Bucket!, Region = config.Region, Profile = config.Profile, EndpointUrl = config.EndpointUrl, KmsKeyId = config.KmsKeyId,
        Credentials = handed is null ? null : S3StaticCredentials.Parse(handed),
    };
}
