using Dstack.Core.Storage;
using Dstack.Core.Tests.Storage;

namespace Dstack.Storage.S3.Tests;

/// <summary>
/// The same conformance suite with every call through the SDK (<see cref="S3Options.DirectRequests"/> off): the path of
/// AWS's own endpoints, where the small calls are not sent as plain requests.
/// </summary>
public sealed class S3SdkStorageConformanceTests : StorageConformanceTests, IAsyncLifetime
{
    private S3Storage? _storage;
    private Amazon.S3.IAmazonS3? _client;
    private string? _bucket;

    protected override IStorage Storage => _storage ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() =>
        (_storage, _client, _bucket) = await S3Server.NewBucketAsync(new S3Options { Bucket = "-", DirectRequests = false });

    public async Task DisposeAsync()
    {
        if (_client is not null && _bucket is not null) await S3Server.DeleteBucketAsync(_client, _bucket);
    }
}
