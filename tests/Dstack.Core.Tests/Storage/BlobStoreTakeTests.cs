using System.Diagnostics;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

/// <summary>
/// A finished job's files move into a local store instead of being copied, but only when nothing can change
/// them there afterwards; every other file is copied, and stored content always matches its hash.
/// </summary>
public sealed class BlobStoreTakeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-take-" + Guid.NewGuid().ToString("N"));
    private readonly LocalStorage _storage;
    private readonly BlobStore _blobs;

    public BlobStoreTakeTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "job"));
        _storage = new LocalStorage(Path.Combine(_root, "store"));
        _blobs = new BlobStore(_storage);
    }

    private string JobFile(string name, string content)
    {
        var path = Path.Combine(_root, "job", name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Stored(string hash) => File.ReadAllText(_storage.PathOf(StoreKeys.Blob(hash)));

    [Fact]
    public async Task Take_AFileNoOneWrites_MovesItInUnderItsHash()
    {
        var path = JobFile("model.bin", "weights");
        var inode = Inode(path);

        var hash = await _blobs.TakeFileAsync(path, default);

        hash.ShouldBe(ContentHash.Of("weights"u8));
        File.Exists(path).ShouldBeFalse();
        Stored(hash).ShouldBe("weights");
        Inode(_storage.PathOf(StoreKeys.Blob(hash))).ShouldBe(inode, "moved, not copied");
        Directory.EnumerateFiles(_storage.Root, "*.tmp~", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task Take_AFileStillOpenForWriting_CopiesIt_SoLaterWritesNeverReachTheStore()
    {
        var path = JobFile("model.bin", "weights");
        await using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);

        var hash = await _blobs.TakeFileAsync(path, default);
        await writer.WriteAsync("+more"u8.ToArray());
        await writer.FlushAsync();

        Stored(hash).ShouldBe("weights");
        hash.ShouldBe(ContentHash.Of("weights"u8));
    }

    [Fact]
    public async Task Take_AFileWithAnotherName_CopiesIt_SoWritesThroughThatNameNeverReachTheStore()
    {
        var path = JobFile("model.bin", "weights");
        var other = Path.Combine(_root, "elsewhere.bin");
        Run("ln", path, other);

        var hash = await _blobs.TakeFileAsync(path, default);
        File.AppendAllText(other, "+more");

        Stored(hash).ShouldBe("weights");
    }

    [Fact]
    public async Task Take_ContentAlreadyStored_KeepsTheStoredCopyAndLeavesNoTempBehind()
    {
        var first = await _blobs.TakeFileAsync(JobFile("a.bin", "same"), default);
        var second = await _blobs.TakeFileAsync(JobFile("b.bin", "same"), default);

        second.ShouldBe(first);
        Stored(first).ShouldBe("same");
        Directory.EnumerateFiles(_storage.Root, "*", SearchOption.AllDirectories).Count().ShouldBe(1);
    }

    private static string Inode(string path) => Run("stat", "-c", "%i", path).Trim();

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, $"{file} {string.Join(' ', args)}");
        return output;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
