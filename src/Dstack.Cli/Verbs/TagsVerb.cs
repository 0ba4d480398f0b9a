using Dstack.Cli.Output;
using Dstack.Core.Artifacts;
using Dstack.Core.Models;
using Dstack.Core.Storage;
using Dstack.Core.Tags;

namespace Dstack.Cli.Verbs;

public static class TagsVerb
{
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Do not ask before overriding or deleting");
    private static readonly VerbOption Folder = new(["-a", "--artifact"], "PATH", "Upload the local folder PATH as an artifact of the tag; repeatable");

    public static readonly Verb Verb = new("tags", "Name a run's outputs (or local folders) for reuse as deps", Run)
    {
        Usage = ["tags [list]", "tags add [-y] TAG RUN", "tags add [-y] TAG -a PATH [-a PATH ...]", "tags delete [-y] TAG"],
        About = "A tag names artifacts: a finished run's, or local folders uploaded with -a. Workflows use them with\n" +
                "`deps: [{tag: TAG}]`. Tag names are letters, digits, '-', '_' and '.'.",
        Groups = Verb.OptionsGroup(Yes, Folder),
    };

    private static Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct) =>
        (args.Count == 0 ? "list" : args[0]) switch
        {
            "list" or "ls" => ListAsync(ctx, args.Skip(1).ToList(), ct),
            "add" => AddAsync(ctx, args.Skip(1).ToList(), ct),
            "delete" or "rm" => DeleteAsync(ctx, args.Skip(1).ToList(), ct),
            var other => throw UsageException.UnknownSubcommand("tags", other, "list, add or delete"),
        };

    private static async Task<int> ListAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        new ArgReader(Verb, args, "list").Positionals(0);
        var table = new Table("TAG", "RUN", "WORKFLOW", "ARTIFACTS", "CREATED");
        var now = ctx.Time.GetUtcNow();
        foreach (var tag in await new TagStore(ctx.Storage).ListAsync(ctx.Repo.Repo, ctx.Skipped, ct))
            table.Add(tag.Name, tag.RunName ?? "(uploaded)", tag.WorkflowName ?? "", string.Join(", ", tag.Artifacts.Select(a => a.Path)), RelativeTime.Format(tag.CreatedAt, now));
        ctx.Out.Write(table.ToString());
        return 0;
    }

    private static async Task<int> AddAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args, "add");
        var yes = reader.Flag(Yes);
        var folders = reader.Options(Folder);
        var positionals = reader.Positionals(2);
        if (positionals.Count == 0) throw UsageException.TagsAddNeedsName();
        var name = TagName.Validate(positionals[0]);
        if (positionals.Count == 2 == folders.Count > 0 || positionals.Count < 2 && folders.Count == 0)
            throw UsageException.TagsAddRunOrFolders();
        var tags = new TagStore(ctx.Storage);
        var repo = ctx.Repo.Repo;
        var exists = await tags.ExistsAsync(repo, name, ct);
        if (exists && !yes && !Prompt.Confirm(ctx, $"The tag '{name}' already exists. Override it?")) return 1;

        // Uploaded folders are referenced only once the tag is written.
        await using var lease = await SaveLease.TakeAsync(ctx.Storage, ct);
        var tag = folders.Count > 0 ? await UploadAsync(ctx, name, folders, lease, ct) : await FromRunAsync(ctx, name, await ctx.FindRunAsync(positionals[1], ct), ct);
        await SaveAsync(tags, repo, tag, exists, ct);
        ctx.Err.WriteLine("OK");
        return 0;
    }

    /// <summary>Writes the tag: over the old one when <paramref name="overriding"/>, else only if no one made it meanwhile.</summary>
    public static async Task SaveAsync(TagStore tags, RepoRef repo, TagRecord tag, bool overriding, CancellationToken ct)
    {
        if (overriding) await tags.PutAsync(repo, tag, ct);
        else if (!await tags.CreateAsync(repo, tag, ct))
            throw TagException.CreatedMeanwhile(tag.Name);
    }

    /// <summary>The tag <paramref name="name"/> of a finished run's current artifacts (the dashboard's too).</summary>
    public static async Task<TagRecord> FromRunAsync(CliContext ctx, string name, RunRecord run, CancellationToken ct)
    {
        var view = await ctx.Monitor.ViewAsync(run, ct);
        if (!view.IsFinished)
            throw TagException.RunNotFinished(run.RunName, name);
        return new TagRecord
        {
            Name = name, RunName = run.RunName, WorkflowName = run.WorkflowName, User = run.User,
            Artifacts = await new ArtifactStore(ctx.Storage).ListAsync(run, ct), CreatedAt = ctx.Time.GetUtcNow(),
        };
    }

    private static async Task<TagRecord> UploadAsync(CliContext ctx, string name, IReadOnlyList<string> folders, SaveLease lease, CancellationToken ct)
    {
        var store = new ArtifactStore(ctx.Storage);
        var artifacts = new List<ArtifactVersion>();
        foreach (var folder in folders)
        {
            var full = Path.GetFullPath(folder, ctx.Cwd);
            if (!Directory.Exists(full))
                throw TagException.NoSuchFolder(folder);
        }
        foreach (var folder in folders)
        {
            var full = Path.GetFullPath(folder, ctx.Cwd);
            var path = ArtifactPath(folder, full);
            var bytes = ArtifactFolder.Size(full);
            var bar = new ProgressBar($"Uploading '{path}'", bytes, ctx.Err, ctx.Time);
            var (id, manifest) = await store.SaveFolderAsync(full, lease, ct);
            bar.Add(bytes);
            bar.Finish();
            artifacts.Add(ArtifactStore.Describe(path, id, manifest, ctx.Time.GetUtcNow()));
        }
        return new TagRecord { Name = name, Artifacts = artifacts, CreatedAt = ctx.Time.GetUtcNow(), User = Environment.UserName };
    }

    /// <summary>A relative path inside the current folder keeps its shape (data/train); anything else is named by its folder.</summary>
    private static string ArtifactPath(string given, string full)
    {
        var rel = given.Replace('\\', '/').TrimEnd('/');
        if (rel.StartsWith("./", StringComparison.Ordinal)) rel = rel[2..];
        return Path.IsPathRooted(rel) || rel.Split('/').Contains("..") || rel is "" or "." ? Path.GetFileName(full) : rel;
    }

    private static async Task<int> DeleteAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args, "delete");
        var yes = reader.Flag(Yes);
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw UsageException.TagsDeleteNeedsName();
        var name = TagName.Validate(positionals[0]);
        var tags = new TagStore(ctx.Storage);
        if (!await tags.ExistsAsync(ctx.Repo.Repo, name, ct))
            throw TagException.NotFound(name, ctx.Repo.Repo);
        if (!yes && !Prompt.Confirm(ctx, $"Delete the tag '{name}'?")) return 1;
        await tags.DeleteAsync(ctx.Repo.Repo, name, ct);
        ctx.Err.WriteLine("OK");
        return 0;
    }
}
