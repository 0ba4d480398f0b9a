using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>A job of a run that has not finished, and where it runs (as the Run page says it).</summary>
public sealed record JobPlacement(string Repo, string Run, int Job, string Where, string Status);
