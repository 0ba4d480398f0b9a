using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>Every repo's secrets by name (no values), and the repos the store knows.</summary>
public sealed record SecretsResponse(IReadOnlyList<SecretRow> Secrets, IReadOnlyList<string> Repos);
