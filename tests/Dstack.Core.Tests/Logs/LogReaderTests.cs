using System.Text;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tests.Support;

namespace Dstack.Core.Tests.Logs;

public sealed class LogReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dstack-logs-" + Guid.NewGuid().ToString("N"));
    private readonly RepoRef _repo = new("acme", "widgets");
    private readonly ManualClock _clock = new();

    /// <summary>Ten chunks of ten lines, one flush a second: "line 1" … "line 100".</summary>
    private async Task<FlakyStorage> TenChunksAsync(string? lastWithoutNewline = null)
    {
        var store = new FlakyStorage(new LocalStorage(_root));
        using var writer = new LogWriter(store, _repo, "run-1", 0, _clock);
        for (var chunk = 0; chunk < 10; chunk++)
        {
            for (var i = 1; i <= 10; i++) writer.AppendLine($"line {chunk * 10 + i}");
            await writer.FlushAsync(final: false, default);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        if (lastWithoutNewline is not null) writer.Append(Encoding.UTF8.GetBytes(lastWithoutNewline));
        await writer.FlushAsync(final: true, default);
        store.Reads.Clear();
        return store;
    }

    private LogReader Reader(IStorage store) => new(store, _repo, "run-1", 0);

    [Fact]
    public async Task Tail_ReadsOnlyTheChunksItPrints()
    {
        var store = await TenChunksAsync();

        var tail = await Reader(store).ReadTailAsync(3, since: null, default).Select(e => e.Text).ToListAsync();

        tail.ShouldBe(["line 98", "line 99", "line 100"]);
        store.Reads.Count.ShouldBe(1, "the last chunk alone holds the last 3 lines");
    }

    [Fact]
    public async Task Tail_AcrossChunks_StartsAtTheChunkHoldingTheFirstLineShown()
    {
        var store = await TenChunksAsync();

        var tail = await Reader(store).ReadTailAsync(15, since: null, default).Select(e => e.Text).ToListAsync();

        tail.ShouldBe(Enumerable.Range(86, 15).Select(i => $"line {i}"));
        store.Reads.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Tail_AnUnfinishedLastLine_CountsAsALine()
    {
        var store = await TenChunksAsync(lastWithoutNewline: "almost");

        var tail = await Reader(store).ReadTailAsync(2, since: null, default).Select(e => (e.Text, e.EndsLine)).ToListAsync();

        tail.ShouldBe([("line 100", true), ("almost", false)]);
    }

    [Fact]
    public async Task Tail_MoreLinesThanTheLogHas_PrintsItAll_AndThenFollowsFromTheEnd()
    {
        var store = await TenChunksAsync();
        var reader = Reader(store);

        (await reader.ReadTailAsync(1000, since: null, default).CountAsync()).ShouldBe(100);
        (await reader.ReadNewAsync(default).CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Since_SkipsChunksWrittenBeforeIt_WithoutReadingThem()
    {
        var store = await TenChunksAsync();
        var since = new ManualClock().GetUtcNow().AddSeconds(7);

        var lines = await Reader(store).ReadNewAsync(since, default).Select(e => e.Text).ToListAsync();

        lines.ShouldBe(Enumerable.Range(71, 30).Select(i => $"line {i}"));
        store.Reads.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Tail_OfChunksInTheFirstFormat_ReadsThemThrough()
    {
        var store = new FlakyStorage(new LocalStorage(_root));
        var prefix = StoreKeys.LogsPrefix(_repo, "run-1", 0);
        await store.PutAsync(prefix + "0000000001.log", Encoding.UTF8.GetBytes("1700000000000 a\n1700000000000 b\n"), default);
        await store.PutAsync(prefix + "0000000002.log", Encoding.UTF8.GetBytes("1700000000001 c\n1700000000001+d"), default);

        var tail = await Reader(store).ReadTailAsync(2, since: null, default).Select(e => e.Text).ToListAsync();

        tail.ShouldBe(["c", "d"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
