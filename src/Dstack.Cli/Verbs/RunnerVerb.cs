using System.Globalization;
using Dstack.Core.Models;
using Dstack.Core.Runner;

namespace Dstack.Cli.Verbs;

/// <summary>The hidden agent verb that compute backends start: runs one job.</summary>
public static class RunnerVerb
{
    private static readonly VerbOption Repo = new(["--repo"], "OWNER/NAME", "The run's repo");
    private static readonly VerbOption RunOption = new(["--run"], "RUN", "The run");
    private static readonly VerbOption Job = new(["--job"], "N", "The job's index (default 0)");

    public static readonly Verb Verb = new("runner", "Run one job (started by dstack itself)", Run)
    {
        Usage = ["runner --repo OWNER/NAME --run RUN --job N"],
        Groups = Verb.OptionsGroup(Repo, RunOption, Job),
        Hidden = true,
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var repo = reader.Option(Repo)?.Split('/') is [var owner, var name] ? new RepoRef(owner, name)
            : throw UsageException.RunnerNeeds("--repo OWNER/NAME");
        var run = reader.Option(RunOption) ?? throw UsageException.RunnerNeeds("--run RUN");
        var job = int.Parse(reader.Option(Job) ?? "0", CultureInfo.InvariantCulture);
        reader.Positionals(0);
        var options = new RunnerOptions
        {
            WorkRoot = ctx.WorkingCopies.Root,
            // The machine's resources are shared by every dstack home of this user on it.
            SchedulerRoot = Environment.GetEnvironmentVariable("DSTACK_SCHEDULER_DIR") is { Length: > 0 } dir
                ? dir : Path.Combine(Path.GetTempPath(), $"dstack-{Environment.UserName}", "scheduler"),
            StopGrace = RunnerOptions.StopGraceFromEnvironment(),
            CredentialValues = StoreCredentials.Values(ctx.Config),
        };
        if (Environment.GetEnvironmentVariable("DSTACK_STORE_RETRY_SECONDS") is { Length: > 0 } retry)
            options = options with { StoreRetryAfterJob = TimeSpan.FromSeconds(double.Parse(retry, CultureInfo.InvariantCulture)) };
        var runner = new JobRunner(ctx.Storage, new ExecutorByImage(new HostProcessExecutor(ctx.Time), new DockerExecutor(ctx.Time)),
            new LocalJobHost(options.SchedulerRoot, ctx.Time), options, ctx.Time);
        return await runner.RunAsync(repo, run, job, ct);
    }
}
