using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>One run as the Runs page and <c>GET /api/runs</c> show it: what <c>ps -a</c> shows, plus its repo.</summary>
public sealed record RunRow(string Repo, string Run, string? Workflow, string Provider, DateTimeOffset Submitted, string? User,
    string Status, string Reason, bool Finished);
