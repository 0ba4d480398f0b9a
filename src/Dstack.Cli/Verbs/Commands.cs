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
        ArtifactsVerb.Verb, TagsVerb.Verb, SecretsVerb.Verb, GcVerb.Verb, ConfigVerb.Verb, HostsVerb.Verb, InitVerb.Verb, SchemaVerb.Verb, RunnerVerb.Verb,
    ];

    /// <summary>Other names a verb answers to: <c>delete</c> was the original's name of <c>rm</c> (0.0.7–0.0.9).</summary>
    private static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string> { ["delete"] = "rm" };

    public static Verb? Find(string name) => All.FirstOrDefault(v => v.Name == (Aliases.GetValueOrDefault(name) ?? name));

    public static DstackException Unknown(string name)
    {
        var names = All.Where(v => !v.Hidden).Select(v => v.Name).ToList();
        var close = Core.Workflows.NameSuggester.Closest(name, names);
        return new DstackException(close is null
            ? $"Unknown command '{name}'. Commands: {string.Join(", ", names)}. See: dstack --help"
            : $"Unknown command '{name}' (did you mean '{close}'?). See: dstack --help");
    }

    private static string AliasNote(Verb verb) =>
        string.Concat(Aliases.Where(a => a.Value == verb.Name).Select(a => $" (also: {a.Key})"));

    public static string Usage =>
        "Usage: dstack [--debug] COMMAND [ARGS...]\n\n" +
        "Run ML workflows declared in .dstack/workflows.yaml, here or on your own machines.\n\n" +
        "Commands:\n" +
        string.Concat(All.Where(v => !v.Hidden).Select(v => $"  {v.Name,-10} {v.Summary}{AliasNote(v)}\n")) +
        "\nOptions:\n  -h, --help     Show help (also: dstack COMMAND --help)\n  -v, --version  Show the version\n  --debug        Show stack traces for errors\n\n" +
        "State lives in $DSTACK_HOME (default ~/.dstack).\n";
}
