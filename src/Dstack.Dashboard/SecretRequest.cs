using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>The body of <c>POST /api/secrets/{owner}/{repo}/{name}/add</c>: the value travels browser to server only, never back.</summary>
public sealed record SecretRequest(string? Value);
