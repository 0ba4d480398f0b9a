using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>The hosts as <c>dstack hosts</c> found them at <paramref name="ProbedAt"/>, and the jobs running now.</summary>
public sealed record ComputeResponse(DateTimeOffset ProbedAt, IReadOnlyList<HostLine> Hosts, IReadOnlyList<JobPlacement> Jobs);
