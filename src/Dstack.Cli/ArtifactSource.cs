using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Tags;

namespace Dstack.Cli;

/// <summary>The artifacts named by <c>RUN</c> or <c>:TAG</c> on the command line.</summary>
public static class ArtifactSource
{
    /// <summary>The versions, and whose they are for messages about their content: <c>run NAME</c>, or <c>tag NAME</c> for uploaded folders.</summary>
    public static async Task<(IReadOnlyList<ArtifactVersion> Versions, string Owner)> ResolveAsync(CliContext ctx, string target, CancellationToken ct)
    {
        if (target.StartsWith(':')) return await OfTagAsync(ctx, ctx.Repo.Repo, target[1..], ct);
        return await OfRunAsync(ctx, await ctx.FindRunAsync(target, ct), ct);
    }

    /// <summary>The tag's versions (the dashboard reads a tag of any repo).</summary>
    public static async Task<(IReadOnlyList<ArtifactVersion> Versions, string Owner)> OfTagAsync(CliContext ctx, RepoRef repo, string name, CancellationToken ct)
    {
        var tag = await new TagStore(ctx.Storage).GetAsync(repo, TagName.Validate(name), ct)
            ?? throw TagException.NotFound(name, repo);
        return (tag.Artifacts, tag.RunName is { } run ? $"run {run}" : $"tag {name}");
    }

    public static async Task<(IReadOnlyList<ArtifactVersion> Versions, string Owner)> OfRunAsync(CliContext ctx, RunRecord run, CancellationToken ct) =>
        (await new ArtifactStore(ctx.Storage).ListAsync(run, ct), $"run {run.RunName}");
}
