using System.Text;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Storage;

public sealed class HashVerifyingStreamTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("model weights\n");

    private static async Task<byte[]> CopyAsync(string expected, byte[] data)
    {
        await using var stream = new HashVerifyingStream(new MemoryStream(data), expected, "run wet-fox-1");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 4); // small buffers: the hash spans many reads
        return copy.ToArray();
    }

    [Fact]
    public async Task Read_ContentMatchingItsHash_PassesThroughUnchanged()
    {
        (await CopyAsync(ContentHash.Of(Content), Content)).ShouldBe(Content);
    }

    [Fact]
    public async Task Read_ModifiedContent_FailsAtTheEnd_NamingTheContentAndTheRun()
    {
        var hash = ContentHash.Of(Content);
        var modified = Encoding.UTF8.GetBytes("model weightz\n");

        var error = await Should.ThrowAsync<StoreContentException>(() => CopyAsync(hash, modified));

        error.Message.ShouldStartWith($"Stored content {hash[..12]} of run wet-fox-1 does not match its SHA-256");
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public async Task Read_EmptyContent_IsCheckedToo()
    {
        (await CopyAsync(ContentHash.Of([]), [])).ShouldBeEmpty();
        await Should.ThrowAsync<StoreContentException>(() => CopyAsync(ContentHash.Of(Content), []));
    }

    [Fact]
    public void Read_Synchronously_ChecksAsWell()
    {
        using var stream = new HashVerifyingStream(new MemoryStream(Content), ContentHash.Of("other"u8), "run wet-fox-1");
        Should.Throw<StoreContentException>(() => stream.CopyTo(Stream.Null));
    }
}
