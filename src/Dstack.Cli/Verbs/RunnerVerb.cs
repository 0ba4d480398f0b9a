using System.Globalization;
using Dstack.Core.Models;

namespace Dstack.Cli.Verbs;

/// <summary>The hidden agent verb that compute backends start: runs one job.</summary>
public static class RunnerVerb
{
    private static readonly VerbOption Repo = new(["--repo"], "OWNER/NAME", "The run's repo");
    private static readonly VerbOption RunOption = new(["--run"], "RUN", "The run");
    private static readonly VerbOption Job = new(["--job"], "N", "The job's index (default 0)");
    private static readonly VerbOption Hostname = new(["--hostname"], "ADDRESS", "The job's HOSTNAME (an SSH host's address)");
    private static readonly VerbOption NodeAddress = new(["--node-address"], "ADDRESS", "Where the run's other nodes reach this one (an SSH host's IP)");
    private static readonly VerbOption Slurm = new(["--slurm"], null, "Started by a Slurm batch job: use its allocation");
    private static readonly VerbOption MaxRequeues = new([Core.Compute.Slurm.SlurmRequeue.RunnerOption], "N", "The job is requeueable (Slurm): an attempt past N requeues fails it");
    private static readonly VerbOption Credentials = new(["--credentials"], "FILE", "The store's credentials, read and deleted at once");

    public static readonly Verb Verb = new("runner", "Run one job (started by dstack itself)", Run)
    {
        Usage = ["runner --repo OWNER/NAME --run RUN --job N"],
        Groups = Verb.OptionsGroup(Repo, RunOption, Job, Hostname, NodeAddress, Slurm, MaxRequeues, Credentials),
        Hidden = true,
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var repo = reader.Option(Repo)?.Split('/') is [var owner, var name] ? new RepoRef(owner, name)
            : throw UsageException.RunnerNeeds("--repo OWNER/NAME");
        var run = reader.Option(RunOption) ?? throw UsageException.RunnerNeeds("--run RUN");
        var job = int.Parse(reader.Option(Job) ?? "0", CultureInfo.InvariantCulture);
        ctx.JobHostname = reader.Option(Hostname);
        ctx.NodeAddress = reader.Option(NodeAddress);
        ctx.InSlurmJob = reader.Flag(Slurm);
        if (reader.Option(MaxRequeues) is { } max) ctx.MaxRequeues = int.Parse(max, CultureInfo.InvariantCulture);
        if (reader.Option(Credentials) is { } file) ctx.HandedCredentials = ReadAndDelete(file);
        reader.Positionals(0);
        return await ctx.JobRunner().RunAsync(repo, run, job, ct);
    }

    /// <summary>The file an SSH compute wrote from its session's standard input: read once, then gone from the host.</summary>
    private static string ReadAndDelete(string file)
    {
        try { return File.ReadAllText(file); }
        finally { File.Delete(file); }
    }
}
