using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>A refused API call: the sentence the CLI would have printed after <c>Error:</c>.</summary>
public sealed record ErrorResponse(string Error);
