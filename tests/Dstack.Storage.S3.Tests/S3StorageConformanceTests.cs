using Dstack.Core.Storage;
using Dstack.Core.Tests.Storage;

namespace Dstack.Storage.S3.Tests;

public class S3StorageConformanceTests : StorageConformanceTests, IAsyncLifetime
{
    private S3Storage? _storage;
    private Amazon.S3.IAmazonS3? _client;
    private string? _bucket;

    protected override IStorage Storage => _storage ?? throw new InvalidOperationException("not initialised");

    /// <summary>The store's settings (the bucket is each test's own); null: the defaults.</summary>
    protected virtual S3Options? Tuning => null;

    public async Task InitializeAsync() => (_storage, _client, _bucket) = await S3Server.NewBucketAsync(Tuning);

    public async Task DisposeAsync()
    {
        if (_client is not null && _bucket is not null) await S3Server.DeleteBucketAsync(_client, _bucket);
    }
}
