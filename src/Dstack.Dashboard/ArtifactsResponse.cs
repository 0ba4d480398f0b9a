using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>The artifacts of <paramref name="Owner"/> (<c>run NAME</c> or <c>tag NAME</c>), every path in order.</summary>
public sealed record ArtifactsResponse(string Owner, IReadOnlyList<ArtifactFile> Files);
