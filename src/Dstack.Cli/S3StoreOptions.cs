using Dstack.Core.Config;
using Dstack.Storage.S3;

namespace Dstack.Cli;

/// <summary>The S3 client's options from <c>config.yaml</c>; kept apart so that the SDK loads only when it is used.</summary>
public static class S3StoreOptions
{
    public static S3Options From(DstackConfig config) => new()
    {
        Bucket = config.Bucket!, Region = config.Region, Profile = config.Profile, EndpointUrl = config.EndpointUrl, KmsKeyId = config.KmsKeyId,
    };
}
