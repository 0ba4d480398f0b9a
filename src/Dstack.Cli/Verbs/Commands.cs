using Dstack.Core.Errors;

namespace Dstack.Cli.Verbs;

/// <summary>A verb of the CLI: its name, help text and entry point.</summary>
public sealed record Verb(string Name, string Summary, string Help, Func<CliContext, IReadOnlyList<string>, CancellationToken, Task<int>> Run, bool Hidden = false);

/// <summary>The table of verbs, registered explicitly.</summary>
public static class Commands
{
    public static readonly IReadOnlyList<Verb> All =
    [
        RunVerb.Verb, PsVerb.Verb, LogsVerb.Verb, StopVerb.Verb, RmVerb.Verb, RestartVerb.Verb,
        ArtifactsVerb.Verb, TagsVerb.Verb, SecretsVerb.Verb, GcVerb.Verb, ConfigVerb.Verb, InitVerb.Verb, SchemaVerb.Verb, RunnerVerb.Verb,
    ];

    public static Verb? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    public static DstackException Unknown(string name)
    {
        var names = All.Where(v => !v.Hidden).Select(v => v.Name).ToList();
        var close = Core.Workflows.NameSuggester.Closest(name, names);
        return new DstackException(close is null
            ? $"Unknown command '{name}'. Commands: {string.Join(", ", names)}. See: dstack --help"
            : $"Unknown command '{name}' (did you mean '{close}'?). See: dstack --help");
    }

    public static string Usage =>
        "Usage: dstack [--debug] COMMAND [ARGS...]\n\n" +
        "Run ML workflows declared in .dstack/workflows.yaml, here or on your own machines.\n\n" +
        "Commands:\n" +
        string.Concat(All.Where(v => !v.Hidden).Select(v => $"  {v.Name,-10} {v.Summary}\n")) +
        "\nOptions:\n  -h, --help     Show help (also: dstack COMMAND --help)\n  -v, --version  Show the version\n  --debug        Show stack traces for errors\n\n" +
        "State lives in $DSTACK_HOME (default ~/.dstack).\n";
}
