using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>A tag as <c>dstack tags</c> lists it, with its repo.</summary>
public sealed record TagRow(string Repo, string Name, string? Run, string? Workflow, IReadOnlyList<string> Artifacts, DateTimeOffset Created, string? User);
