using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>A page of runs, newest first, after the filters; <see cref="Page"/> counts from 1.</summary>
public sealed record RunsResponse(IReadOnlyList<RunRow> Runs, int Page, int Pages, int Total);
