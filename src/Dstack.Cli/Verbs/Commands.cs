
namespace Dstack.Cli.Verbs;

/// <summary>The table of verbs, registered explicitly.</summary>
public static class Commands
{
    public static readonly IReadOnlyList<Verb> All =
    [
        RunVerb.Verb, PsVerb.Verb, LogsVerb.Verb, AttachVerb.Verb, StopVerb.Verb, RmVerb.Verb, RestartVerb.Verb,
        ArtifactsVerb.Verb, TagsVerb.Verb, SecretsVerb.Verb, GcVerb.Verb, ConfigVerb.Verb, HostsVerb.Verb, InitVerb.Verb, SchemaVerb.Verb, RunnerVerb.Verb,
        DashboardVerb.Verb,
    ];

    /// <summary>Other names a verb answers to: <c>delete</c> was the original's name of <c>rm</c> (0.0.7–0.0.9).</summary>
    private static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string> { ["delete"] = "rm" };

    public static Verb? Find(string name) => All.FirstOrDefault(v => v.Name == (Aliases.GetValueOrDefault(name) ?? name));

    public static UsageException Unknown(string name)
    {
        var names = All.Where(v => !v.Hidden).Select(v => v.Name).ToList();
        var close = Core.Workflows.NameSuggester.Closest(name, names);
        return UsageException.UnknownCommand(name, names, close);
    }

    private static string AliasNote(Verb verb) =>
        string.Concat(Aliases.Where(a => a.Value == verb.Name).Select(a => $" (also: {a.Key})"));

    public static string Usage =>
        "Usage: dstack [--debug] COMMAND [ARGS...]\n\n" +
        "Run ML workflows declared in .dstack/workflows.yaml, here or on your own machines.\n\n" +
        "Commands:\n" +
        string.Concat(All.Where(v => !v.Hidden).Select(v => $"  {v.Name,-10} {v.Summary}{AliasNote(v)}\n")) +
        "\nOptions:\n" +
        string.Concat(GlobalOptions.Select(o => $"  {o.Synopsis,-13}  {o.Help}\n")) +
        "\nState lives in $DSTACK_HOME (default ~/.dstack).\n";

    public static readonly VerbOption Help = new(["-h", "--help"], null, "Show help (also: dstack COMMAND --help)");
    public static readonly VerbOption Version = new(["-v", "--version"], null, "Show the version");
    public static readonly VerbOption Debug = new(["--debug"], null, "Show stack traces for errors");

    /// <summary>What <c>dstack</c> itself takes before the command; <see cref="CliApp"/> reads these.</summary>
    public static IReadOnlyList<VerbOption> GlobalOptions => [Help, Version, Debug];
}
