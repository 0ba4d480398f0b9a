using Dstack.Cli;
namespace Dstack.Dashboard;

/// <summary>Every repo's tags, and the repos the store knows (for the page's form).</summary>
public sealed record TagsResponse(IReadOnlyList<TagRow> Tags, IReadOnlyList<string> Repos);
