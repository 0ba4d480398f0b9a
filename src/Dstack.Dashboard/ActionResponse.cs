using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>What an action answers: a sentence for the page, and the run it made (restart) or acted on.</summary>
public sealed record ActionResponse(string Message, string? Run = null, string? Url = null);
