using Dstack.Core.Runs;

namespace Dstack.Cli.Verbs;

public static class RestartVerb
{
    private static readonly VerbOption Detach = new(["-d", "--detach"], null, "Do not follow the logs; print the new run's name");

    public static readonly Verb Verb = new("restart", "Run a run's spec and code snapshot again, under a new name", Run)
    {
        Usage = ["restart [-d] RUN"],
        Groups = Verb.OptionsGroup(Detach),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var detach = reader.Flag(Detach);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw UsageException.RestartNeedsRun();
        var previous = await ctx.FindRunAsync(positionals[0], ct);
        var submitter = new RunSubmitter(ctx.Storage, ctx.Compute, ctx.Time, ctx.Home.Root);
        var run = await submitter.RestartAsync(previous, ct);
        return await RunVerb.AttachOrDetachAsync(ctx, run, detach, ct);
    }
}
