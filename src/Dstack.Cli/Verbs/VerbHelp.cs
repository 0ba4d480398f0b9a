using System.Text;

namespace Dstack.Cli.Verbs;

/// <summary>Renders a verb's help from its definition: usage lines, about, option groups (aligned), notes.</summary>
public static class VerbHelp
{
    public static string Render(Verb verb)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < verb.Usage.Count; i++)
            sb.Append(i == 0 ? "Usage: dstack " : "       dstack ").Append(verb.Usage[i]).Append('\n');
        if (verb.About is { } about) sb.Append('\n').Append(about.TrimEnd('\n')).Append('\n');
        var groups = verb.Groups.Count == 0 ? Verb.OptionsGroup() : verb.Groups;
        // -h is handled by Program for every verb; a verb that declares it itself (run) lists it where it put it.
        var declaresHelp = verb.Groups.Any(g => g.Options.Any(o => o.Names.SequenceEqual(VerbOption.ShowHelp.Names)));
        var width = groups.SelectMany(g => g.Options).Append(VerbOption.ShowHelp).Max(o => o.Synopsis.Length);
        for (var g = 0; g < groups.Count; g++)
        {
            var options = g == 0 && !declaresHelp ? groups[g].Options.Append(VerbOption.ShowHelp) : groups[g].Options;
            sb.Append('\n').Append(groups[g].Title).Append(":\n");
            foreach (var option in options)
                sb.Append("  ").Append(option.Synopsis.PadRight(width)).Append("  ").Append(option.Help).Append('\n');
        }
        if (verb.Notes is { } notes) sb.Append('\n').Append(notes.TrimEnd('\n')).Append('\n');
        return sb.ToString();
    }
}
