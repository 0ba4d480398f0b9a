using Dstack.Core.Storage;
using Dstack.Core.Tests.Storage;

namespace Dstack.Storage.S3.Tests;

public sealed class S3StorageConformanceTests : StorageConformanceTests, IAsyncLifetime
{
    private S3Storage? _storage;

    protected override IStorage Storage => _storage ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _storage = (await S3Server.NewBucketAsync()).Storage;

    public Task DisposeAsync() => Task.CompletedTask;
}
