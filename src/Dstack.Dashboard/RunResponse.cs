using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary><c>GET /api/runs/{owner}/{repo}/{run}</c>: the run's row and its jobs.</summary>
public sealed record RunResponse(RunRow Run, IReadOnlyList<JobRow> Jobs);
