using Dstack.Cli.Output;
using Dstack.Core.Storage;

namespace Dstack.Cli.Verbs;

public static class GcVerb
{
    public static readonly Verb Verb = new("gc", "Reclaim stored content that no run, artifact or tag references",
        "Usage: dstack gc [--older-than AGE]\n\nContent newer than AGE (default 10m) is kept, so that saves in progress are never cut.\n",
        Run);

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader("gc", args);
        var age = reader.Option("--older-than") is { } text ? ctx.Time.GetUtcNow() - Since.Parse(text, ctx.Time.GetUtcNow()) : TimeSpan.FromMinutes(10);
        reader.Positionals(0);
        var result = await new GarbageCollector(ctx.Storage, ctx.Time).CollectAsync(age, ct);
        ctx.Err.WriteLine($"Removed {result.Blobs} blob(s) and {result.Manifests} manifest(s) that nothing references.");
        return 0;
    }
}
