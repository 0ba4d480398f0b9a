using Dstack.Core.Artifacts;
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
    private readonly ArtifactStore _artifacts = new(storage);

    public async Task<IReadOnlyList<ResolvedDep>> ResolveAsync(RepoRef current, IEnumerable<DepSpec> deps, CancellationToken ct)
    {
        var resolved = new List<ResolvedDep>();
        foreach (var dep in deps)
            resolved.Add(dep.Kind == DepKind.Tag ? await ResolveTagAsync(current, dep.Name, ct) : await ResolveWorkflowAsync(current, dep.Name, ct));
        return resolved;
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
        if (await _done.LatestAsync(repo, workflow, ct) is { } run)
            return new ResolvedDep
            {
                Kind = DepSource.Workflow, Name = name, Repo = repo, RunName = run.RunName,
                Artifacts = await _artifacts.ListAsync(run, ct),
            };
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
