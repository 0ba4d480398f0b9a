using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>What the pages and APIs share: the CLI's context (store, compute, clock), the run reader and the gate.</summary>
public sealed record DashboardServices(CliContext Ctx, DashboardRuns Runs, DashboardAuth Auth);
