using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>
/// A window of a job's log: the pieces of the chunks numbered <see cref="First"/> to <see cref="Last"/> (-1 and -1: none).
/// <see cref="Older"/>: chunks before it exist (<c>?before=First</c>); <see cref="More"/>: chunks after it exist already
/// (<c>?after=Last</c> at once, rather than after the next poll's wait).
/// </summary>
public sealed record LogWindowResponse(IReadOnlyList<LogPiece> Pieces, long First, long Last, bool Older, bool More);
