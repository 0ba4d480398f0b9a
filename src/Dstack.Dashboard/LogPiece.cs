using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>
/// A piece of a log as HTML: its text encoded, its ANSI colours as spans (<see cref="AnsiHtml"/>). A piece that does not
/// end its line is continued by the next one.
/// </summary>
public sealed record LogPiece(string Html, bool EndsLine);
