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
        if (target.StartsWith(':'))
        {
            var name = target[1..];
            var tag = await new TagStore(ctx.Storage).GetAsync(ctx.Repo.Repo, TagName.Validate(name), ct)
                ?? throw TagException.NotFound(name, ctx.Repo.Repo);
            return (tag.Artifacts, tag.RunName is { } run ? $"run {run}" : $"tag {name}");
        }
        return (await new ArtifactStore(ctx.Storage).ListAsync(await ctx.FindRunAsync(target, ct), ct), $"run {target}");
    }
}
