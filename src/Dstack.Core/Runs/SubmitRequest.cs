using Dstack.Core.Git;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>
/// Everything needed to submit a run, already validated. <paramref name="Deps"/> may still be resolving (on a bucket, a few
/// round trips): it is awaited once the run is named, before anything is stored under the name.
/// </summary>
public sealed record SubmitRequest(
    CapturedRepo Repo,
    string? WorkflowName,
    string ProviderName,
    IReadOnlyList<string> Args,
    Func<string, IReadOnlyList<JobSpec>> BuildJobs,
    Task<IReadOnlyList<ResolvedDep>> Deps,
    string? TagOnDone);
