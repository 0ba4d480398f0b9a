using System.Runtime.CompilerServices;
using Dstack.Core.Config;
using Dstack.Core.Storage;
using Dstack.Storage.S3;

namespace Dstack.Cli;

/// <summary>Builds stores that need a third-party SDK; kept apart so that the SDK loads only when it is used.</summary>
public static class StoreFactory
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IStorage S3(DstackConfig config)
    {
        var options = Options(config);
        return new S3Storage(S3ClientFactory.Create(options).Client, options);
    }

    public static S3Options Options(DstackConfig config) => new()
    {
        Bucket = config.Bucket!, Region = config.Region, Profile = config.Profile, EndpointUrl = config.EndpointUrl, KmsKeyId = config.KmsKeyId,
    };
}
