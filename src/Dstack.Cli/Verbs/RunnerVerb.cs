using System.Globalization;
using Dstack.Core.Errors;
using Dstack.Core.Models;

namespace Dstack.Cli.Verbs;

/// <summary>The hidden agent verb that compute backends start: runs one job.</summary>
public static class RunnerVerb
{
    public static readonly Verb Verb = new("runner", "Run one job (started by dstack itself)",
        "Usage: dstack runner --repo OWNER/NAME --run RUN --job N\n", Run, Hidden: true);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader("runner", args);
        var repo = reader.Option("--repo")?.Split('/') is [var owner, var name] ? new RepoRef(owner, name)
            : throw new DstackException("runner needs --repo OWNER/NAME");
        var run = reader.Option("--run") ?? throw new DstackException("runner needs --run RUN");
        var job = int.Parse(reader.Option("--job") ?? "0", CultureInfo.InvariantCulture);
        reader.Positionals(0);
        return await ctx.JobRunner().RunAsync(repo, run, job, ct);
    }
}
