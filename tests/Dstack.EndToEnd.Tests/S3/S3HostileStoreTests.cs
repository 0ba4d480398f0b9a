using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary><see cref="HostileStoreTests"/> on the real S3 server: the bucket is written behind dstack's back with the SDK.</summary>
public sealed class S3HostileStoreTests : HostileStoreTests
{
    protected override async Task<Store> NewStoreAsync()
    {
        var bucket = await S3Bucket.NewAsync();
        var user = await bucket.NewUserAsync();
        return new Store(user, RawStore.S3(bucket), async () =>
        {
            await user.DisposeAsync();
            await bucket.DisposeAsync();
        });
    }
}
