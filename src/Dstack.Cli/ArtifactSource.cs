using Dstack.Core.Artifacts;
using Dstack.Core.Errors;
using Dstack.Core.Models;
using Dstack.Core.Tags;

namespace Dstack.Cli;

/// <summary>The artifacts named by <c>RUN</c> or <c>:TAG</c> on the command line.</summary>
public static class ArtifactSource
{
    public static async Task<IReadOnlyList<ArtifactVersion>> ResolveAsync(CliContext ctx, string target, CancellationToken ct)
    {
        if (target.StartsWith(':'))
        {
            var name = target[1..];
            var tag = await new TagStore(ctx.Storage).GetAsync(ctx.Repo.Repo, TagName.Validate(name), ct)
                ?? throw new DstackException($"Tag '{name}' not found in {ctx.Repo.Repo}. `dstack tags list` shows the tags of this repo.");
            return tag.Artifacts;
        }
        return await new ArtifactStore(ctx.Storage).ListAsync(await ctx.FindRunAsync(target, ct), ct);
    }
}
