using Dstack.Cli;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>The Runs page's filters, from its query string (<c>?repo=&amp;workflow=&amp;status=&amp;user=&amp;page=</c>); empty matches all.</summary>
public sealed record RunFilter(string Repo, string Workflow, string Status, string User, int Page)
{
    public const int PageSize = 50;

    public static RunFilter From(IQueryCollection query) => new(
        query["repo"].ToString().Trim(), query["workflow"].ToString().Trim(), query["status"].ToString().Trim(), query["user"].ToString().Trim(),
        int.TryParse(query["page"].ToString(), out var page) && page > 0 ? page : 1);

    public bool Matches(RunRow row) =>
        (Repo.Length == 0 || row.Repo == Repo)
        && (Workflow.Length == 0 || string.Equals(row.Workflow ?? row.Provider, Workflow, StringComparison.Ordinal))
        && (Status.Length == 0 || string.Equals(row.Status, Status, StringComparison.OrdinalIgnoreCase))
        && (User.Length == 0 || string.Equals(row.User, User, StringComparison.Ordinal));

    /// <summary>The same filters as a query string, for links and the page's polling (<paramref name="page"/> replaces the page).</summary>
    public string Query(int? page = null)
    {
        var parts = new List<string>();
        void Add(string key, string value) { if (value.Length > 0) parts.Add($"{key}={Uri.EscapeDataString(value)}"); }
        Add("repo", Repo);
        Add("workflow", Workflow);
        Add("status", Status);
        Add("user", User);
        if ((page ?? Page) > 1) parts.Add($"page={page ?? Page}");
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
