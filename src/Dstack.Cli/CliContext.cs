using Dstack.Cli.Output;
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
public sealed partial class CliContext
{
    private (string Root, RepoRef Repo, bool IsGit)? _repo;

    /// <param name="home">The dstack home; by default <c>$DSTACK_HOME</c>, else <c>~/.dstack</c>.</param>
    /// <param name="time">The clock; the system's by default.</param>
    public CliContext(string cwd, CliOutput output, string? home = null, TimeProvider? time = null)
    {
        Cwd = cwd;
        Output = output;
        Time = time ?? TimeProvider.System;
        Home = home is null ? DstackHome.FromEnvironment() : new DstackHome(Path.GetFullPath(home));
    }

    public string Cwd { get; }
    public DstackHome Home { get; }
    public CliOutput Output { get; }
    public TextWriter Out => Output.Out;
    public TextWriter Err => Output.Err;
    public TimeProvider Time { get; }

    /// <summary>Tells, once per key, that a listing left out a stored record it could not read.</summary>
    public void Skipped(UnreadableRecordException e)
    {
        lock (_skipped)
            if (_skipped.Add(e.Key)) Err.WriteLine(e.SkippedWarning);
    }

    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    /// <summary>Whether <c>--debug</c> (or <c>DSTACK_DEBUG</c>) was given.</summary>
    public bool Debug { get; set; }

    /// <summary>With <c>--debug</c>, tells of a store error a command went on without (it costs speed, not the result).</summary>
    public void Recovered(string what, Exception e)
    {
        if (!Debug) return;
        lock (_skipped) Err.WriteLine($"{what}: {e}");
    }

    public (string Root, RepoRef Repo, bool IsGit) Repo => _repo ??= RepoLocator.Locate(Cwd);

    /// <summary>The run with exactly this name in the current repo (never a prefix match).</summary>
    public async Task<RunRecord> FindRunAsync(string name, CancellationToken ct) =>
        await Runs.GetAsync(Repo.Repo, RunName.Validate(name), ct)
        ?? throw RunException.NotFound(name, Repo.Repo);
}
