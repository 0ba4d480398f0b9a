namespace Dstack.Core.Workflows;

/// <summary>
/// Reads and validates a repository's workflows: <c>.dstack/workflows.yaml</c>, then
/// <c>.dstack/workflows/*.yaml|*.yml</c> sorted by name. Every workflow is validated on its own: <see cref="ReadAll"/>
/// keeps the valid ones and lists the others (a run of another workflow must not fail for them); <see cref="Load"/>
/// and <see cref="Parse(string, string)"/> throw the first problem in file order, a <see cref="WorkflowException"/>
/// whose message starts with <c>file:line:col:</c>.
/// </summary>
public static class WorkflowLoader
{
    public const string MainFile = ".dstack/workflows.yaml";
    public const string Folder = ".dstack/workflows";

    /// <summary>All workflows of the repository; an empty set when it has no workflow files. The first problem throws.</summary>
    public static WorkflowSet Load(string repoRoot) => ReadAll(repoRoot).ThrowIfInvalid();

    /// <summary>
    /// The valid workflows of the repository, and a problem for each invalid workflow or unreadable file (too big,
    /// not UTF-8: <see cref="WorkflowFileReader"/>).
    /// </summary>
    public static WorkflowSet ReadAll(string repoRoot) =>
        ParseAll(FindFiles(repoRoot).Select(file => (file, (Func<string>)(() => WorkflowFileReader.Read(repoRoot, file)))).ToList());

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

    /// <summary>Validates files in the given order; a name defined twice (even in two files) is an error. The first problem throws.</summary>
    public static WorkflowSet Parse(IReadOnlyList<(string RelativePath, string Yaml)> files) => ParseAll(files).ThrowIfInvalid();

    /// <summary>Like <see cref="Parse(IReadOnlyList{ValueTuple{string, string}})"/>, but problems are collected, not thrown.</summary>
    public static WorkflowSet ParseAll(IReadOnlyList<(string RelativePath, string Yaml)> files) =>
        ParseAll(files.Select(file => (file.RelativePath, (Func<string>)(() => file.Yaml))).ToList());

    private static WorkflowSet ParseAll(IReadOnlyList<(string RelativePath, Func<string> Read)> files)
    {
        var defined = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var problems = new List<WorkflowProblem>();
        var all = new List<WorkflowSpec>();
        foreach (var (path, read) in files)
        {
            try { all.AddRange(WorkflowFileParser.Parse(path, read(), defined, problems)); }
            catch (WorkflowException e) { problems.Add(new WorkflowProblem(null, e)); }
        }
        return new WorkflowSet(all, files.Select(file => file.RelativePath).ToList(), problems);
    }
}
