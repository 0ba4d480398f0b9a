using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>
/// A window of a job's log: the pieces from entry <see cref="FirstEntry"/> of chunk <see cref="First"/> to chunk
/// <see cref="Last"/> (-1 and -1: none); when <see cref="LastEntry"/> is not -1, the window stops before that entry of
/// chunk <see cref="Last"/> (a chunk holds up to a megabyte: a window never holds more than about
/// <see cref="LogWindow.Lines"/> lines of it). <see cref="Older"/>: entries before it exist
/// (<c>?before=First&amp;entry=FirstEntry</c>); <see cref="More"/>: entries after it exist already
/// (<c>?after=Last[&amp;entry=LastEntry]</c> at once, rather than after the next poll's wait).
/// </summary>
public sealed record LogWindowResponse(IReadOnlyList<LogPiece> Pieces, long First, long Last, bool Older, bool More, int FirstEntry = 0, int LastEntry = -1)
{
    public static LogWindowResponse Empty(bool older, bool more) => new([], -1, -1, older, more);
}
