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

    /// <summary>Chunks <paramref name="from"/>.., each of <paramref name="lines"/> lines "c{chunk} l{line}".</summary>
    private async Task WriteChunksAsync(int from, int chunks, int lines = 100)
    {
        for (var c = from; c < from + chunks; c++)
        {
            var entries = Enumerable.Range(0, lines).Select(l => new LogEntry(DateTimeOffset.UnixEpoch.AddSeconds(c), $"c{c} l{l}", true)).ToList();
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
        (await logs.AfterAsync(Repo, Run, 0, tail.Last, -1, CancellationToken.None)).Pieces.ShouldBeEmpty();

        await WriteChunksAsync(31, 1);
        var next = await logs.AfterAsync(Repo, Run, 0, tail.Last, -1, CancellationToken.None);
        next.Pieces.Count.ShouldBe(100);
        next.Pieces[0].Html.ShouldBe("c31 l0");
        next.Last.ShouldBe(31);

        var older = await logs.BeforeAsync(Repo, Run, 0, tail.First, tail.FirstEntry, CancellationToken.None);
        older.Last.ShouldBe(tail.First - 1);
        older.Pieces[^1].Html.ShouldBe($"c{tail.First - 1} l99");
        older.First.ShouldBe(11);
        older.Older.ShouldBeTrue();
    }

    [Fact]
    public async Task Tail_OfOneChunkOfManyLines_IsItsLastLinesOnly_AndOlderLinesPageBackWithinTheChunk()
    {
        await WriteChunksAsync(1, 1);
        await WriteChunksAsync(2, 1, lines: 5000); // a job printing fast: one chunk holds a megabyte of lines
        var logs = new LogWindow(_storage);

        var tail = await logs.TailAsync(Repo, Run, 0, CancellationToken.None);
        tail.Pieces.Count.ShouldBe(LogWindow.Lines);
        (tail.Pieces[0].Html, tail.Pieces[^1].Html).ShouldBe(("c2 l4000", "c2 l4999"));
        (tail.First, tail.FirstEntry, tail.Last, tail.LastEntry, tail.Older, tail.More).ShouldBe((2L, 4000, 2L, -1, true, false));

        var older = await logs.BeforeAsync(Repo, Run, 0, tail.First, tail.FirstEntry, CancellationToken.None);
        (older.Pieces[0].Html, older.Pieces[^1].Html).ShouldBe(("c2 l3000", "c2 l3999"));
        (older.First, older.FirstEntry, older.Last, older.LastEntry, older.Older).ShouldBe((2L, 3000, 2L, 4000, true));

        await WriteChunksAsync(3, 1);
        (await logs.AfterAsync(Repo, Run, 0, tail.Last, tail.LastEntry, CancellationToken.None)).Pieces[0].Html.ShouldBe("c3 l0");
    }

    [Fact]
    public async Task After_OfALargeChunk_StopsAtAWindow_AndResumesAtTheEntryWhereItStopped()
    {
        await WriteChunksAsync(1, 1, lines: 2500);
        await WriteChunksAsync(2, 1);
        var logs = new LogWindow(_storage);

        var first = await logs.AfterAsync(Repo, Run, 0, -1, -1, CancellationToken.None);
        first.Pieces.Count.ShouldBe(LogWindow.Lines);
        (first.First, first.FirstEntry, first.Last, first.LastEntry, first.Older, first.More).ShouldBe((1L, 0, 1L, 1000, false, true));

        var second = await logs.AfterAsync(Repo, Run, 0, first.Last, first.LastEntry, CancellationToken.None);
        (second.Pieces[0].Html, second.Pieces[^1].Html, second.LastEntry, second.More).ShouldBe(("c1 l1000", "c1 l1999", 2000, true));

        var third = await logs.AfterAsync(Repo, Run, 0, second.Last, second.LastEntry, CancellationToken.None);
        third.Pieces.Count.ShouldBe(600);
        (third.Pieces[0].Html, third.Pieces[^1].Html, third.Last, third.LastEntry, third.More).ShouldBe(("c1 l2000", "c2 l99", 2L, -1, false));

        (await logs.AfterAsync(Repo, Run, 0, third.Last, third.LastEntry, CancellationToken.None)).Pieces.ShouldBeEmpty();
    }

    [Fact]
    public async Task AnEmptyLog_IsAnEmptyWindow()
    {
        var window = await new LogWindow(_storage).TailAsync(Repo, Run, 0, CancellationToken.None);
        window.Pieces.ShouldBeEmpty();
        (window.First, window.Last, window.Older, window.More).ShouldBe((-1L, -1L, false, false));
    }
}
