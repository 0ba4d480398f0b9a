using Dstack.Core.Runs;

namespace Dstack.Cli.Verbs;

public static class RestartVerb
{
    public static readonly Verb Verb = new("restart", "Run a run's spec and code snapshot again, under a new name",
        "Usage: dstack restart [-d] RUN\n\nOptions:\n  -d, --detach  Do not follow the logs; print the new run's name\n",
        Run);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader("restart", args);
        var detach = reader.Flag("-d", "--detach");
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw new Core.Errors.DstackException("Name the run to restart: dstack restart RUN");
        var previous = await ctx.FindRunAsync(positionals[0], ct);
        var submitter = new RunSubmitter(ctx.Storage, ctx.Compute, ctx.Time, ctx.Home.Root);
        var run = await submitter.RestartAsync(previous, ct);
        return await RunVerb.AttachOrDetachAsync(ctx, run, detach, ct);
    }
}
