using System.Security.Cryptography;
using System.Text;
using Dstack.Core.Storage;
using Shouldly;
using Xunit;

namespace Dstack.Core.Tests.Storage;

public class ManagedSha256Tests
{
    [Fact]
    public void Hash_OfFipsExamples_IsTheirPublishedDigest()
    {
        Convert.ToHexStringLower(ManagedSha256.Hash("abc")).ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Convert.ToHexStringLower(ManagedSha256.Hash("")).ShouldBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Convert.ToHexStringLower(ManagedSha256.Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
            .ShouldBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    [Fact]
    public void Hash_OfEveryLengthAcrossThreeBlocks_IsWhatDotnetsSha256Gives()
    {
        // Every padding case: the rest of a block empty, with room for the length, without (55, 56, 63, 64 bytes ...).
        var random = new Random(7);
        for (var length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            ManagedSha256.Hash(data).ShouldBe(SHA256.HashData(data), $"length {length}");
        }
    }

    [Fact]
    public void Hmac_WithShortLongAndBlockSizedKeys_IsWhatDotnetsHmacGives()
    {
        var random = new Random(11);
        foreach (var keyLength in new[] { 0, 1, 20, 32, 63, 64, 65, 131 })
        foreach (var dataLength in new[] { 0, 8, 55, 64, 300 })
        {
            var key = new byte[keyLength];
            var data = new byte[dataLength];
            random.NextBytes(key);
            random.NextBytes(data);
            ManagedSha256.Hmac(key, data).ShouldBe(HMACSHA256.HashData(key, data), $"key {keyLength}, data {dataLength}");
        }
    }

    [Fact]
    public void Hmac_OfRfc4231TestCase2_IsItsPublishedValue()
    {
        Convert.ToHexStringLower(ManagedSha256.Hmac("Jefe"u8, Encoding.ASCII.GetBytes("what do ya want for nothing?")))
            .ShouldBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Fact]
    public void Incremental_InPiecesOfEverySize_IsTheHashOfTheWhole()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        foreach (var piece in new[] { 1, 7, 63, 64, 65, 200, 1000 })
        {
            var hash = new ManagedSha256.Incremental();
            for (var i = 0; i < data.Length; i += piece) hash.Append(data.AsSpan(i, Math.Min(piece, data.Length - i)));
            hash.Finish().ShouldBe(SHA256.HashData(data), $"pieces of {piece}");
        }
    }

    [Fact]
    public async Task ContentHash_OfAFileAndInPieces_PastTheManagedBudgetToo_IsSha256()
    {
        // Three MiB in all: the first goes through managed code, what follows through OpenSSL; the hashes are the same.
        var file = Path.GetTempFileName();
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var data = new byte[(1 << 20) - 1000 * round];
                new Random(round).NextBytes(data);
                await File.WriteAllBytesAsync(file, data);
                var expected = Convert.ToHexStringLower(SHA256.HashData(data));
                (await ContentHash.OfFileAsync(file, CancellationToken.None)).ShouldBe(expected);
                ContentHash.Of(data).ShouldBe(expected);
                using var pieces = ContentHash.Incremental(data.Length);
                pieces.Append(data.AsSpan(0, 100));
                pieces.Append(data.AsSpan(100));
                pieces.FinishHex().ShouldBe(expected);
            }
        }
        finally { File.Delete(file); }
    }
}
