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

        var lines = (await new LogReader(store, _repo, "run-1", 0).ReadNewAsync(default).ToListAsync()).Select(e => e.Text);
        lines.ShouldBe(Enumerable.Range(1, 31).Select(i => $"line {i}"));
        store.Refused.ShouldBe(29);
        var chunks = store.Writes.Select(w => w.Key[(w.Key.LastIndexOf('/') + 1)..]).ToList();
        chunks.Select(c => LogChunkName.Parse(c)!.Value.Seq).ShouldBe([1L, 2L, 3L], "one chunk per flush that went through, numbered in order");
        chunks[1].ShouldEndWith("-1.log", customMessage: "the chunk that failed holds the one line it was cut with");
        Encoding.UTF8.GetString(store.Writes[1].Data).ShouldEndWith(" 1\nline 2\n", customMessage: "the chunk that failed went out again as it was first cut");
    }

    [Fact]
    public async Task Flush_ALongOutage_SpoolsBeyondTheWindow_AndSendsEverythingInOrder()
    {
        var store = new FlakyStorage(new LocalStorage(_root));
        var spool = Path.Combine(_root, "work", "job.log-spool");
        using var writer = new LogWriter(store, _repo, "run-1", 0, new ManualClock(), spoolPath: spool);
        var line = new string('x', 1000);
        const int lines = 20_000; // ≈ 20 MiB, far past the chunks kept in memory

        store.Down = true;
        for (var i = 1; i <= lines; i++)
        {
            writer.AppendLine($"{i} {line}");
            if (i % 1000 == 0) await Should.ThrowAsync<IOException>(writer.FlushAsync(final: false, default));
        }
        var spooled = writer.Spooled;
        var spoolSize = new FileInfo(spool).Length;
        store.Down = false;
        await writer.FlushAsync(final: true, default);

        spooled.ShouldBeGreaterThan(10, "chunks past the window wait in the spool file, not in memory");
        spoolSize.ShouldBeGreaterThan(10L * LogWriter.ChunkBytes);
        writer.Spooled.ShouldBe(0);
        store.Writes.Select(w => LogChunkName.Parse(w.Key[(w.Key.LastIndexOf('/') + 1)..])!.Value.Seq)
            .ShouldBe(Enumerable.Range(1, store.Writes.Count).Select(i => (long)i), "each chunk once, numbered in order");
        var read = await new LogReader(store, _repo, "run-1", 0).ReadNewAsync(default).Select(e => e.Text).ToListAsync();
        read.ShouldBe(Enumerable.Range(1, lines).Select(i => $"{i} {line}"));
    }

    [Fact]
    public async Task Flush_AChunkFromTheSpoolThatFails_IsResentUnchanged()
    {
        var store = new FlakyStorage(new LocalStorage(_root));
        using var writer = new LogWriter(store, _repo, "run-1", 0, new ManualClock(), spoolPath: Path.Combine(_root, "spool"));
        store.Down = true;
        for (var i = 1; i <= 12_000; i++) writer.AppendLine($"{i} {new string('y', 1000)}");
        await Should.ThrowAsync<IOException>(writer.FlushAsync(final: false, default));
        writer.Spooled.ShouldBeGreaterThan(0);
        store.Down = false;
        await writer.FlushAsync(final: false, default); // 8 chunks: the memory window and some of the spool
        var sent = store.Writes.Count;
        store.Down = true;
        await Should.ThrowAsync<IOException>(writer.FlushAsync(final: false, default));
        store.Down = false;
        await writer.FlushAsync(final: true, default);

        var keys = store.Writes.Select(w => w.Key).ToList();
        keys.Distinct().Count().ShouldBe(keys.Count, "no chunk stored twice under two names or twice at all");
        (await new LogReader(store, _repo, "run-1", 0).ReadNewAsync(default).CountAsync()).ShouldBe(12_000);
        sent.ShouldBe(8);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
