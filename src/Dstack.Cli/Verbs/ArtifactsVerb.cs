using Dstack.Cli.Output;
using Dstack.Core.Artifacts;

namespace Dstack.Cli.Verbs;

public static class ArtifactsVerb
{
    private static readonly VerbOption OutputDir = new(["-o", "--output"], "DIR", "Download into DIR (default: the current folder)");
    private static readonly VerbOption Force = new(["-f", "--force"], null, "Overwrite local files that differ from the artifact");

    public static readonly Verb Verb = new("artifacts", "List or download the artifacts of a run or tag", Run)
    {
        Usage = ["artifacts list (RUN | :TAG)", "artifacts download [-o DIR] [--force] (RUN | :TAG)"],
        About = "download writes DIR/<artifact path>/… (DIR defaults to the current folder), skips files that are\n" +
                "already identical, and refuses to overwrite different local files unless --force is given.",
        Groups = Verb.OptionsGroup(OutputDir, Force),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0) throw UsageException.ArtifactsNeedsSubcommand();
        return args[0] switch
        {
            "list" or "ls" => await ListAsync(ctx, args.Skip(1).ToList(), ct),
            "download" or "pull" => await DownloadAsync(ctx, args.Skip(1).ToList(), ct),
            _ => throw UsageException.UnknownSubcommand("artifacts", args[0], "list or download"),
        };
    }

    private static async Task<int> ListAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var target = Target(new ArgReader(Verb, args, "list").Positionals(1), "list");
        var (versions, owner) = await ArtifactSource.ResolveAsync(ctx, target, ct);
        var store = new ArtifactStore(ctx.Storage);
        var table = new Table("ARTIFACT", "FILE", "SIZE");
        foreach (var version in versions)
        {
            var first = true;
            var entries = (await store.GetManifestAsync(version, owner, ct)).Entries;
            foreach (var entry in entries)
            {
                // Folders show only when empty; files and links always.
                if (entry.IsDir && entries.Any(e => e.Path.StartsWith(entry.Path + "/", StringComparison.Ordinal))) continue;
                var (file, size) = entry switch
                {
                    { IsDir: true } => (entry.Path + "/", ""),
                    { LinkTarget: { } link } => ($"{entry.Path} -> {link}", ""),
                    _ => (entry.Path, Size.Format(entry.Size)),
                };
                table.Add(first ? version.Path : "", file, size);
                first = false;
            }
            if (first) table.Add(version.Path, "(empty)", "");
        }
        ctx.Out.Write(table.ToString());
        return 0;
    }

    private static async Task<int> DownloadAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args, "download");
        var outDir = Path.GetFullPath(reader.Option(OutputDir) ?? ctx.Cwd, ctx.Cwd);
        var force = reader.Flag(Force);
        var target = Target(reader.Positionals(1), "download");
        var (versions, owner) = await ArtifactSource.ResolveAsync(ctx, target, ct);
        if (versions.Count == 0)
            throw ArtifactException.NothingToDownload(target);
        var downloader = new ArtifactDownloader(new ArtifactStore(ctx.Storage));
        var plan = await downloader.PlanAsync(versions, outDir, force, owner, ct);
        var bar = new ProgressBar("Downloading artifacts", plan.Bytes, ctx.Err, ctx.Time);
        await downloader.ApplyAsync(plan, bar.Add, ct);
        bar.Finish();
        var files = plan.Writes.Count(w => !w.Entry.IsDir);
        ctx.Err.WriteLine($"Downloaded {files} file(s), {Size.Format(plan.Bytes)}, into {outDir}" +
                          (plan.Identical > 0 ? $" ({plan.Identical} already up to date)" : ""));
        return 0;
    }

    private static string Target(IReadOnlyList<string> positionals, string verb) =>
        positionals.Count == 1 ? positionals[0]
        : throw UsageException.ArtifactsNeedsTarget(verb);
}
