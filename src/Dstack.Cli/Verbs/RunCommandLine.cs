using Dstack.Core.Workflows;

namespace Dstack.Cli.Verbs;

/// <summary>
/// The options of <c>dstack run</c> and their parser, in one place with the help that lists them: run options, then
/// the provider flags (<see cref="ProviderFlags.All"/>), taken anywhere before <c>--</c>.
/// </summary>
public static class RunCommandLine
{
    public static readonly VerbOption Detach = new(["-d", "--detach"], null, "Do not follow the logs; print the run's name and return");
    public static readonly VerbOption Tag = new(["-t", "--tag"], "TAG", "Tag the run's artifacts as TAG when it ends done");
    public static readonly VerbOption Compute = new(["--compute"], "NAME", "Run on compute target NAME (default: the config's, `local` unless set)");
    public static readonly VerbOption Help = VerbOption.ShowHelp with { Help = "Show this help (also after WORKFLOW)" };

    public static readonly IReadOnlyList<OptionGroup> Groups =
    [
        new("Options", [Detach, Tag, Compute, Help]),
        new("Provider options (they change the workflow's values for this run)",
            [.. ProviderFlags.All.Select(f => new VerbOption(f.Names, f.Value, f.Help))]),
    ];

    public sealed record Parsed(bool Detach, string? Tag, string? Compute, bool Help, WorkflowOverrides Overrides, string? Name, List<string> Args);

    /// <summary>
    /// Run and provider options anywhere before <c>--</c> (as the original's parser took them after the workflow too);
    /// the first other word names the workflow or provider; the rest are its args.
    /// </summary>
    public static Parsed Parse(IReadOnlyList<string> args)
    {
        var detach = false;
        var help = false;
        string? tag = null, compute = null;
        var overrides = new WorkflowOverrides();
        string? name = null;
        var rest = new List<string>();
        var passthrough = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw UsageException.NeedsValue(arg, "run");
            if (passthrough) rest.Add(arg);
            else if (arg == "--") passthrough = true;
            else if (Detach.Names.Contains(arg)) detach = true;
            else if (Help.Names.Contains(arg)) help = true;
            else if (Tag.Names.Contains(arg)) tag = Core.Tags.TagName.Validate(Value());
            else if (Compute.Names.Contains(arg)) compute = Value();
            else if (ProviderFlags.IsFlag(arg)) overrides = ProviderFlags.Add(overrides, arg, ProviderFlags.TakesValue(arg) ? Value() : null);
            else if (name is null && arg.StartsWith('-'))
                throw UsageException.UnknownOption(arg, "run");
            else if (name is null) name = arg;
            else rest.Add(arg);
        }
        return new Parsed(detach, tag, compute, help, overrides, name, rest);
    }
}
