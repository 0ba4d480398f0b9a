using Dstack.Core.Config;
using Dstack.Core.Errors;
using Dstack.Core.Git;
using Dstack.Core.Models;
using Dstack.Core.Runs;
using Dstack.Core.Storage;

namespace Dstack.Cli;

/// <summary>
/// What every verb needs, built lazily so a verb pays only for what it uses. What the verbs run on (store, compute,
/// executors, providers, options) is chosen in one place, <c>CliContext.Wiring.cs</c>.
/// </summary>
public sealed partial class CliContext(string cwd, TextWriter stdout, TextWriter stderr)
{
    private (string Root, RepoRef Repo, bool IsGit)? _repo;

    public string Cwd { get; } = cwd;
    public DstackHome Home { get; } = DstackHome.FromEnvironment();
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;
    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>Tells, once per key, that a listing left out a stored record it could not read.</summary>
    public void Skipped(UnreadableRecordException e)
    {
        lock (_skipped)
            if (_skipped.Add(e.Key)) Err.WriteLine(e.SkippedWarning);
    }

    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    public (string Root, RepoRef Repo, bool IsGit) Repo => _repo ??= RepoLocator.Locate(Cwd);

    /// <summary>The run with exactly this name in the current repo (never a prefix match).</summary>
    public async Task<RunRecord> FindRunAsync(string name, CancellationToken ct) =>
        await Runs.GetAsync(Repo.Repo, RunName.Validate(name), ct)
        ?? throw new DstackException($"Run '{name}' not found in {Repo.Repo}. `dstack ps -a` lists the runs of this repo.");
}
