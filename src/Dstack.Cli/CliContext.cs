using Dstack.Cli.Output;
using Dstack.Core.Compute;
using Dstack.Core.Config;
using Dstack.Core.Errors;
using Dstack.Core.Git;
using Dstack.Core.Models;
using Dstack.Core.Runner;
using Dstack.Core.Runs;
using Dstack.Core.Storage;

namespace Dstack.Cli;

/// <summary>What every verb needs, built lazily so a verb pays only for what it uses.</summary>
public sealed class CliContext
{
    private (string Root, RepoRef Repo, bool IsGit)? _repo;
    private IStorage? _storage;
    private DstackConfig? _config;

    /// <param name="home">The dstack home; by default <c>$DSTACK_HOME</c>, else <c>~/.dstack</c>.</param>
    /// <param name="time">The clock; the system's by default.</param>
    public CliContext(string cwd, CliOutput output, string? home = null, TimeProvider? time = null)
    {
        Cwd = cwd;
        Output = output;
        Time = time ?? TimeProvider.System;
        Home = home ?? (Environment.GetEnvironmentVariable("DSTACK_HOME") is { Length: > 0 } env
            ? Path.GetFullPath(env)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dstack"));
    }

    public string Cwd { get; }
    public string Home { get; }
    public CliOutput Output { get; }
    public TextWriter Out => Output.Out;
    public TextWriter Err => Output.Err;
    public TimeProvider Time { get; }

    public DstackConfig Config => _config ??= DstackConfig.Load(Home);

    /// <summary>The store named by <c>config.yaml</c>: the local folder by default, or an S3 bucket.</summary>
    public IStorage Storage => _storage ??= Config.IsS3 ? StoreFactory.S3(Config) : new LocalStorage(Home);
    public RunStore Runs => new(Storage, Skipped);
    public ICompute Compute => new LocalCompute(RunnerCommand(), Time);
    public RunMonitor Monitor => new(Runs, new ComputeRegistry(Compute), Time);

    /// <summary>Tells, once per key, that a listing left out a stored record it could not read.</summary>
    public void Skipped(UnreadableRecordException e)
    {
        lock (_skipped)
            if (_skipped.Add(e.Key)) Err.WriteLine(e.SkippedWarning);
    }

    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    public (string Root, RepoRef Repo, bool IsGit) Repo => _repo ??= RepoLocator.Locate(Cwd);

    /// <summary>This machine's cache of a repo's finished runs, one per store (a folder, or a bucket at an endpoint).</summary>
    public string RunCacheFile(RepoRef repo)
    {
        var store = Config.IsS3
            ? $"s3-{Config.Bucket}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Config.EndpointUrl ?? Config.Region ?? "")))[..8]}"
            : "local";
        return Path.Combine(Home, "tmp", "cache", "runs", store, repo.Owner, repo.Name + ".json");
    }

    /// <summary>The run with exactly this name in the current repo (never a prefix match).</summary>
    public async Task<RunRecord> FindRunAsync(string name, CancellationToken ct) =>
        await Runs.GetAsync(Repo.Repo, RunName.Validate(name), ct)
        ?? throw RunException.NotFound(name, Repo.Repo);

    /// <summary>Jobs' working copies on this machine, where runners started from this home materialise code.</summary>
    public WorkingCopies WorkingCopies => new(Path.Combine(Home, "tmp", "work"));

    /// <summary>How to start this same binary as a runner: the apphost itself, or <c>dotnet dstack.dll</c>.</summary>
    public static IReadOnlyList<string> RunnerCommand()
    {
        var process = Environment.ProcessPath ?? throw RunException.ExecutableUnknown();
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "dstack.dll")]
            : [process];
    }
}
