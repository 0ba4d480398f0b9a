using Dstack.Dashboard;
using Dstack.Core.Logs;
using Dstack.Core.Models;
using Dstack.Core.Storage;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>Windows of a log in a real local store: its end, what follows a chunk, what precedes one.</summary>
public sealed class LogWindowTests : IDisposable
{
    private static readonly RepoRef Repo = new("me", "repo");
    private const string Run = "long-log-1";
    private readonly string _root = Directory.CreateTempSubdirectory("dstack-logwindow-").FullName;
    private readonly LocalStorage _storage;

    public LogWindowTests() => _storage = new LocalStorage(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Chunks 1..<paramref name="chunks"/>, each of 100 lines "c{chunk} l{line}".</summary>
    private async Task WriteChunksAsync(int from, int chunks)
    {
        for (var c = from; c < from + chunks; c++)
        {
            var entries = Enumerable.Range(0, 100).Select(l => new LogEntry(DateTimeOffset.UnixEpoch.AddSeconds(c), $"c{c} l{l}", true)).ToList();
            var name = new LogChunkName(c, 1000L * c, entries.Count).ToString();
            await _storage.PutAsync(StoreKeys.LogChunk(Repo, Run, 0, name), LogChunkFormat.Encode(entries), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Tail_OfALongLog_ReadsOnlyItsLastWindow_AndSaysOlderLinesExist()
    {
        await WriteChunksAsync(1, 50);
        var window = await new LogWindow(_storage).TailAsync(Repo, Run, 0, CancellationToken.None);

        window.Pieces.Count.ShouldBe(LogWindow.Lines);
        window.Pieces[^1].Html.ShouldBe("c50 l99");
        window.Last.ShouldBe(50);
        window.First.ShouldBe(41);
        window.Older.ShouldBeTrue();
        window.More.ShouldBeFalse();
    }

    [Fact]
    public async Task After_ReturnsOnlyTheNewChunks_AndBefore_TheWindowAboveTheFirstShown()
    {
        await WriteChunksAsync(1, 30);
        var logs = new LogWindow(_storage);
        var tail = await logs.TailAsync(Repo, Run, 0, CancellationToken.None);
        (await logs.AfterAsync(Repo, Run, 0, tail.Last, CancellationToken.None)).Pieces.ShouldBeEmpty();

        await WriteChunksAsync(31, 1);
        var next = await logs.AfterAsync(Repo, Run, 0, tail.Last, CancellationToken.None);
        next.Pieces.Count.ShouldBe(100);
        next.Pieces[0].Html.ShouldBe("c31 l0");
        next.Last.ShouldBe(31);

        var older = await logs.BeforeAsync(Repo, Run, 0, tail.First, CancellationToken.None);
        older.Last.ShouldBe(tail.First - 1);
        older.Pieces[^1].Html.ShouldBe($"c{tail.First - 1} l99");
        older.First.ShouldBe(11);
        older.Older.ShouldBeTrue();
    }

    [Fact]
    public async Task AnEmptyLog_IsAnEmptyWindow()
    {
        var window = await new LogWindow(_storage).TailAsync(Repo, Run, 0, CancellationToken.None);
        window.Pieces.ShouldBeEmpty();
        (window.First, window.Last, window.Older, window.More).ShouldBe((-1L, -1L, false, false));
    }
}
