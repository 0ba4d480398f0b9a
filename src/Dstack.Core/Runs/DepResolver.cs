using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tags;
using Dstack.Core.Workflows;

namespace Dstack.Core.Runs;

/// <summary>
/// Resolves <c>deps</c> at submit time to exact artifact versions, so a run always sees the inputs it
/// was submitted with: a tag's artifacts, or those of the newest done run of a workflow.
/// <c>owner/repo/NAME</c> points into another repo of the same store.
/// </summary>
public sealed class DepResolver(IStorage storage)
{
    private readonly DoneRunIndex _done = new(storage);
    private readonly TagStore _tags = new(storage);

    public async Task<IReadOnlyList<ResolvedDep>> ResolveAsync(RepoRef current, IEnumerable<DepSpec> deps, CancellationToken ct)
    {
        // At once: on a bucket each dep is a listing and a round trip. The first failing dep, in their order, is reported.
        return await Task.WhenAll(deps.Select(dep => dep.Kind == DepKind.Tag ? ResolveTagAsync(current, dep.Name, ct) : ResolveWorkflowAsync(current, dep.Name, ct)));
    }

    private async Task<ResolvedDep> ResolveTagAsync(RepoRef current, string name, CancellationToken ct)
    {
        var (repo, tagName) = Split(current, name);
        var tag = await _tags.GetAsync(repo, tagName, ct)
            ?? throw DepException.TagNotFound(name, repo, tagName);
        return new ResolvedDep { Kind = DepSource.Tag, Name = name, Repo = repo, RunName = tag.RunName, Artifacts = tag.Artifacts };
    }

    private async Task<ResolvedDep> ResolveWorkflowAsync(RepoRef current, string name, CancellationToken ct)
    {
        var (repo, workflow) = Split(current, name);
        if (await _done.LatestAsync(repo, workflow, ct) is { } done)
            return new ResolvedDep { Kind = DepSource.Workflow, Name = name, Repo = repo, RunName = done.Run.RunName, Artifacts = done.Artifacts };
        throw DepException.NoDoneRun(name, repo, repo == current, workflow);
    }

    /// <summary><c>NAME</c> is in the current repo; <c>owner/repo/NAME</c> in another.</summary>
    private static (RepoRef Repo, string Name) Split(RepoRef current, string name)
    {
        var parts = name.Split('/');
        return parts.Length switch
        {
            1 => (current, name),
            3 => (new RepoRef(parts[0], parts[1]), parts[2]),
            _ => throw DepException.Invalid(name),
        };
    }
}
