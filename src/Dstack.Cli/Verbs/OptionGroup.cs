namespace Dstack.Cli.Verbs;

/// <summary>A titled list of a verb's options, as its help shows them ("Options:", "Provider options (…):").</summary>
public sealed record OptionGroup(string Title, IReadOnlyList<VerbOption> Options);
