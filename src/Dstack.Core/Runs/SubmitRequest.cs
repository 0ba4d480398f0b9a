using Dstack.Core.Git;
using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>Everything needed to submit a run, already validated.</summary>
public sealed record SubmitRequest(
    CapturedRepo Repo,
    string? WorkflowName,
    string ProviderName,
    IReadOnlyList<string> Args,
    Func<string, IReadOnlyList<JobSpec>> BuildJobs,
    IReadOnlyList<ResolvedDep> Deps,
    string? TagOnDone);
