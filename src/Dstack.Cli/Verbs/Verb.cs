namespace Dstack.Cli.Verbs;

/// <summary>
/// A verb of the CLI: its name, its usage lines, what it does, the options its parser takes, and its entry point.
/// Its help is rendered from these (<see cref="VerbHelp"/>), never written separately.
/// </summary>
public sealed record Verb(string Name, string Summary, Func<CliContext, IReadOnlyList<string>, CancellationToken, Task<int>> Run)
{
    /// <summary>The forms of the command, each without the leading <c>dstack</c>.</summary>
    public required IReadOnlyList<string> Usage { get; init; }

    /// <summary>Paragraphs shown between the usage and the options.</summary>
    public string? About { get; init; }

    /// <summary>The options the verb's parser takes, in groups; <c>-h, --help</c> is added to the first.</summary>
    public IReadOnlyList<OptionGroup> Groups { get; init; } = [];

    /// <summary>Paragraphs shown after the options.</summary>
    public string? Notes { get; init; }

    public bool Hidden { get; init; }

    /// <summary>Every option the parser may ask for, help included.</summary>
    public IEnumerable<VerbOption> Options => Groups.SelectMany(g => g.Options).Append(VerbOption.ShowHelp);

    public string Help => VerbHelp.Render(this);

    /// <summary>The single "Options:" group most verbs have.</summary>
    public static IReadOnlyList<OptionGroup> OptionsGroup(params VerbOption[] options) => [new OptionGroup("Options", options)];
}
