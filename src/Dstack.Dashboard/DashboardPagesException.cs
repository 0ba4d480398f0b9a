using Dstack.Cli;
using Dstack.Core.Errors;

namespace Dstack.Dashboard;

/// <summary>What the Artifacts, Tags, Secrets and Compute pages refuse, each sentence naming the value and what works instead.</summary>
public sealed class DashboardPagesException(string message) : DstackException(message)
{
    public static DashboardPagesException BadArtifactPath(string path) =>
        new($"Refused artifact path '{path}': give a path as the artifacts page lists it (no '..', no leading '/').");

    public static DashboardPagesException NoArtifactFile(string path, string owner) =>
        new($"No file '{path}' in the artifacts of {owner}: the artifacts page lists what there is.");

    public static DashboardPagesException NoArtifactFolder(string path, string owner) =>
        new($"No folder '{path}' in the artifacts of {owner}: the artifacts page lists what there is.");

    public static DashboardPagesException NoSuchTag(string repo, string tag) =>
        new($"No tag '{tag}' in {repo}: the Tags page lists them.");

    public static DashboardPagesException BadRepo(string owner, string repo) =>
        new($"Invalid repo '{owner}/{repo}': give OWNER/NAME as the Runs page shows it.");

    public static DashboardPagesException BadBody(string what) =>
        new($"The request's body is not JSON like {what}.");

    public static DashboardPagesException TagExists(string name) =>
        new($"The tag '{name}' already exists: tick Override to replace it.");
}
