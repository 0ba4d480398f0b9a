using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Core.Tests.Logs;

public sealed class LogChunkFormatTests
{
    [Fact]
    public void EncodeDecode_KeepsTextTimesAndPartialLines()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        LogEntry[] entries = [new(at, "hello world", true), new(at, "  spaced + plus", true), new(at, "progress 50%", false)];
        LogChunkFormat.Decode(LogChunkFormat.Encode(entries)).ShouldBe(entries);
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
        var firstRead = await reader.ReadNewAsync(default);
        writer.Append(Encoding.UTF8.GetBytes("tail without newline"));
        await writer.FlushAsync(final: true, default);
        var secondRead = await reader.ReadNewAsync(default);

        firstRead.Select(e => e.Text).ShouldBe(["first line", "second"]);
        secondRead.Select(e => (e.Text, e.EndsLine)).ShouldBe([("tail without newline", false)]);
        (await reader.ReadNewAsync(default)).ShouldBeEmpty();
        Directory.Delete(root, recursive: true);
    }
}
