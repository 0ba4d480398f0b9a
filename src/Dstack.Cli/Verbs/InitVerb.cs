namespace Dstack.Cli.Verbs;

public static class InitVerb
{
    public static readonly Verb Verb = new("init", "Check this repo and write a starter .dstack/workflows.yaml", Run)
    {
        Usage = ["init"],
        About = "Checks the repository (git, origin remote) and writes a starter .dstack/workflows.yaml if there is none.",
    };

    public const string Starter =
        "# Workflows of this repository. Run one with: dstack run hello\n" +
        "# The full syntax: dstack schema\n" +
        "workflows:\n" +
        "  - name: hello\n" +
        "    provider: bash\n" +
        "    help: Says hello from a dstack run\n" +
        "    commands:\n" +
        "      - echo \"Hello from $RUN_NAME\"\n";

    private static Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        new ArgReader(Verb, args).Positionals(0);
        var (root, repo, isGit) = ctx.Repo;
        ctx.Err.WriteLine(isGit
            ? $"Repository {repo} at {root}"
            : $"Note: {root} is not a git repository; dstack will treat the folder as the repository ({repo}).");
        if (isGit && repo.Owner == "local")
            ctx.Err.WriteLine("Note: no 'origin' remote; runs are filed under the folder name. Add one with `git remote add origin URL` to share them.");
        var file = Path.Combine(root, ".dstack", "workflows.yaml");
        var folder = Path.Combine(root, ".dstack", "workflows");
        if (File.Exists(file) || Directory.Exists(folder) && Directory.EnumerateFiles(folder).Any())
        {
            ctx.Err.WriteLine("Workflows are already defined in .dstack/; nothing to write.");
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, Starter);
            ctx.Err.WriteLine("Wrote .dstack/workflows.yaml with a 'hello' workflow. Try: dstack run hello");
        }
        ctx.Err.WriteLine("OK");
        return Task.FromResult(0);
    }
}
