using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Logs;

public sealed class LogWriterOutageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-logs-" + Guid.NewGuid().ToString("N"));
    private readonly RepoRef _repo = new("acme", "widgets");

    [Fact]
    public async Task Flush_WhileTheStoreIsDown_KeepsEverything_AndSendsItInOrderWhenItReturns()
    {
        var store = new FlakyStorage(new LocalStorage(_root));
        var writer = new LogWriter(store, _repo, "run-1", 0, new ManualClock());
        writer.AppendLine("line 1");
        await writer.FlushAsync(final: false, default);

        store.Down = true;
        for (var i = 2; i <= 30; i++)
        {
            writer.AppendLine($"line {i}");
            await Should.ThrowAsync<IOException>(writer.FlushAsync(final: false, default));
        }
        store.Down = false;
        writer.AppendLine("line 31");
        await writer.FlushAsync(final: true, default);

        var lines = (await new LogReader(store, _repo, "run-1", 0).ReadNewAsync(default)).Select(e => e.Text);
        lines.ShouldBe(Enumerable.Range(1, 31).Select(i => $"line {i}"));
        store.Refused.ShouldBe(29);
        var chunks = store.Writes.Select(w => w.Key[(w.Key.LastIndexOf('/') + 1)..]).ToList();
        chunks.ShouldBe(["0000000001.log", "0000000002.log", "0000000003.log"], "one chunk per flush that went through, numbered in order");
        Encoding.UTF8.GetString(store.Writes[1].Data).ShouldEndWith(" line 2\n", customMessage: "the chunk that failed went out again as it was first cut");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
