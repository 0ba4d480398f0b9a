namespace Dstack.Core.Workflows;

/// <summary>
/// Reads and validates a repository's workflows: <c>.dstack/workflows.yaml</c>, then
/// <c>.dstack/workflows/*.yaml|*.yml</c> sorted by name. Everything is validated before anything runs; the first
/// problem in file order throws a <see cref="WorkflowException"/> whose message starts with <c>file:line:col:</c>.
/// </summary>
public static class WorkflowLoader
{
    public const string MainFile = ".dstack/workflows.yaml";
    public const string Folder = ".dstack/workflows";

    /// <summary>All workflows of the repository; an empty set when it has no workflow files.</summary>
    public static WorkflowSet Load(string repoRoot) =>
        Parse(FindFiles(repoRoot).Select(file => (file, WorkflowFileReader.Read(repoRoot, file))).ToList());

    /// <summary>Repo-relative paths (forward slashes) of the workflow files, in the order they are read.</summary>
    public static IReadOnlyList<string> FindFiles(string repoRoot)
    {
        var main = File.Exists(Path.Combine(repoRoot, MainFile)) ? [MainFile] : Array.Empty<string>();
        var folder = Path.Combine(repoRoot, Folder);
        var others = !Directory.Exists(folder) ? [] : Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => $"{Folder}/{name}");
        return [.. main, .. others];
    }

    /// <summary>Validates one file's text; <paramref name="relativePath"/> is only used in messages.</summary>
    public static WorkflowSet Parse(string relativePath, string yaml) => Parse([(relativePath, yaml)]);

    /// <summary>Validates files in the given order; a name defined twice (even in two files) is an error.</summary>
    public static WorkflowSet Parse(IReadOnlyList<(string RelativePath, string Yaml)> files)
    {
        var defined = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var all = files.SelectMany(file => WorkflowFileParser.Parse(file.RelativePath, file.Yaml, defined)).ToList();
        return new WorkflowSet(all, files.Select(file => file.RelativePath).ToList());
    }
}
