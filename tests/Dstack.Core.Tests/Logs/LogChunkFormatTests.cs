using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Logs;

public sealed class LogChunkFormatTests
{
    private static Task<List<LogEntry>> DecodeAsync(byte[] chunk) => LogChunkFormat.DecodeAsync(new MemoryStream(chunk), default).ToListAsync().AsTask();

    [Fact]
    public async Task EncodeDecode_KeepsTextTimesAndPartialLines()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        LogEntry[] entries =
        [
            new(at, "hello world", true), new(at, "  spaced + plus", true), new(at, "progress 50%", false),
            new(at, "\r60%\r70%", true), new(at.AddMilliseconds(5), "", true), new(at.AddMilliseconds(5), "@1 2", true),
            new(at.AddMilliseconds(3), "clock went back", true), new(at.AddSeconds(90), "dstack-log 2 5", false),
        ];
        (await DecodeAsync(LogChunkFormat.Encode(entries))).ShouldBe(entries);
    }

    [Fact]
    public async Task Decode_ReadsChunksWrittenInTheFirstFormat()
    {
        var format1 = "1700000000123 hello world\n1700000000124   spaced + plus\n1700000000125+progress 50%\n";
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        (await DecodeAsync(Encoding.UTF8.GetBytes(format1))).ShouldBe(
            [new(at, "hello world", true), new(at.AddMilliseconds(1), "  spaced + plus", true), new(at.AddMilliseconds(2), "progress 50%", false)]);
    }

    [Fact]
    public void Encode_ShortLines_TakesLittleMoreThanTheOutput()
    {
        // `seq 1 100000` printed at 10,000 lines a second: the old format took 3× this.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var entries = Enumerable.Range(1, 100_000).Select(i => new LogEntry(at.AddMilliseconds(i / 10), i.ToString(System.Globalization.CultureInfo.InvariantCulture), true)).ToList();
        var raw = entries.Sum(e => e.Text.Length + 1);

        var ratio = (double)LogChunkFormat.Encode(entries).Length / raw;

        ratio.ShouldBeLessThanOrEqualTo(1.3);
    }

    [Fact]
    public void ChunkName_SaysItsNumberLastTimeAndLines_AndReadsOldNames()
    {
        var name = new LogChunkName(7, 1_764_625_000_123, 2048, EndsMidLine: true);

        name.ToString().ShouldBe("0000000007-1764625000123-2048p.log");
        LogChunkName.Parse(name.ToString()).ShouldBe(name);
        LogChunkName.Parse("0000000007.log").ShouldBe(new LogChunkName(7));
        LogChunkName.Parse("notes.txt").ShouldBeNull();
        string.CompareOrdinal(new LogChunkName(9, 9_000, 1).ToString(), new LogChunkName(10, 1, 1).ToString()).ShouldBeLessThan(0);
    }

    [Fact]
    public async Task Writer_SplitsLinesAcrossWrites_AndReaderSeesEachChunkOnce()
    {
        var root = Path.Combine(Path.GetTempPath(), "dstack-logs-" + Guid.NewGuid().ToString("N"));
        var storage = new LocalStorage(root);
        var repo = new RepoRef("acme", "widgets");
        var writer = new LogWriter(storage, repo, "run-1", 0, TimeProvider.System);
        var reader = new LogReader(storage, repo, "run-1", 0);

        writer.Append(Encoding.UTF8.GetBytes("first li"));
        writer.Append(Encoding.UTF8.GetBytes("ne\nsecond\n"));
        await writer.FlushAsync(final: false, default);
        var firstRead = await reader.ReadNewAsync(default).ToListAsync();
        writer.Append(Encoding.UTF8.GetBytes("tail without newline"));
        await writer.FlushAsync(final: true, default);
        var secondRead = await reader.ReadNewAsync(default).ToListAsync();

        firstRead.Select(e => e.Text).ShouldBe(["first line", "second"]);
        secondRead.Select(e => (e.Text, e.EndsLine)).ShouldBe([("tail without newline", false)]);
        (await reader.ReadNewAsync(default).ToListAsync()).ShouldBeEmpty();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Writer_ALineLongerThanAChunk_IsStoredInPieces_AndReadWhole()
    {
        var root = Path.Combine(Path.GetTempPath(), "dstack-logs-" + Guid.NewGuid().ToString("N"));
        var storage = new FlakyStorage(new LocalStorage(root));
        var repo = new RepoRef("acme", "widgets");
        var writer = new LogWriter(storage, repo, "run-1", 0, new ManualClock());
        var line = new string('x', 3 * LogWriter.ChunkBytes);

        writer.Append(Encoding.UTF8.GetBytes(line + "\nend\n"));
        await writer.FlushAsync(final: true, default);

        storage.Writes.ShouldAllBe(w => w.Data.Length <= LogWriter.ChunkBytes * 2);
        var text = string.Concat(await new LogReader(storage, repo, "run-1", 0).ReadNewAsync(default).Select(e => e.Text + (e.EndsLine ? "\n" : "")).ToListAsync());
        text.ShouldBe(line + "\nend\n");
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Writer_ALongLineCutMidCharacter_KeepsTheCharacterWhole()
    {
        var root = Path.Combine(Path.GetTempPath(), "dstack-logs-" + Guid.NewGuid().ToString("N"));
        var storage = new LocalStorage(root);
        var repo = new RepoRef("acme", "widgets");
        var writer = new LogWriter(storage, repo, "run-1", 0, new ManualClock());
        var line = string.Concat(Enumerable.Repeat("é€😀", LogWriter.ChunkBytes / 4));

        writer.Append(Encoding.UTF8.GetBytes(line + "\n"));
        await writer.FlushAsync(final: true, default);

        string.Concat(await new LogReader(storage, repo, "run-1", 0).ReadNewAsync(default).Select(e => e.Text).ToListAsync()).ShouldBe(line);
        Directory.Delete(root, recursive: true);
    }
}
