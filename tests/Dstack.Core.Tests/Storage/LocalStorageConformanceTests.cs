using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class LocalStorageConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-store-" + Guid.NewGuid().ToString("N"));

    protected override IStorage Storage => new LocalStorage(_root);

    [Fact]
    public void PathOf_KeyEscapingTheRoot_IsRejected()
    {
        Should.Throw<ArgumentException>(() => new LocalStorage(_root).PathOf("../outside"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
