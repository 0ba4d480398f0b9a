using Dstack.Cli.Output;
using Dstack.Core.Storage;

namespace Dstack.Cli.Verbs;

public static class GcVerb
{
    private static readonly VerbOption OlderThan = new(["--older-than"], "AGE", "Reclaim only content older than AGE: 30s, 5m, 2h, 1d (default 10m)");

    public static readonly Verb Verb = new("gc", "Reclaim stored content that no run, artifact or tag references", Run)
    {
        Usage = ["gc [--older-than AGE]"],
        About = "Content newer than AGE (default 10m) is kept, and so is content a save in progress uses, whatever its age.\n" +
                "Working copies on this machine that no live runner holds are removed.",
        Groups = Verb.OptionsGroup(OlderThan),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var age = reader.Option(OlderThan) is { } text ? ctx.Time.GetUtcNow() - Since.Parse(text, ctx.Time.GetUtcNow()) : TimeSpan.FromMinutes(10);
        reader.Positionals(0);
        // Working copies that runners which died (runner lost) left on this machine: no live runner holds them.
        var workingCopies = ctx.WorkingCopies.DeleteAbandoned();
        if (workingCopies > 0) ctx.Err.WriteLine($"Removed {workingCopies} working cop{(workingCopies == 1 ? "y" : "ies")} left by runners that are gone.");
        var result = await new GarbageCollector(ctx.Storage, ctx.Time).CollectAsync(age, ct);
        ctx.Err.WriteLine($"Removed {result.Blobs} blob(s) and {result.Manifests} manifest(s) that nothing references.");
        return 0;
    }
}
