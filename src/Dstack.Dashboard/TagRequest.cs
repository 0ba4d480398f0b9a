using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>The body of <c>POST /api/tags/{owner}/{repo}/{tag}/add</c>: tag the finished run's artifacts; <paramref name="Override"/> replaces a tag of that name.</summary>
public sealed record TagRequest(string? Run, bool Override = false);
