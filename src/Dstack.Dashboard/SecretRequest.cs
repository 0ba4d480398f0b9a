using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>The body of <c>POST /api/secrets/{owner}/{repo}</c>: the value travels browser to server only, never back.</summary>
public sealed record SecretRequest(string? Name, string? Value);
