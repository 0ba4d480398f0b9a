using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

// deps: {tag: X} / {workflow: X} with optional mount, or the string forms ":TAG" / "WORKFLOW".
internal sealed partial class WorkflowParser
{
    private const string DepShape = "a list of {tag: NAME} or {workflow: NAME} mappings";
    private static readonly IReadOnlyList<string> DepProperties = ["tag", "workflow", "mount"];

    private IReadOnlyList<DepSpec> Deps(YamlNode node) =>
        yaml.Sequence("deps", node, DepShape).Children.Select(Dep).ToList();

    private DepSpec Dep(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            var text = yaml.String("deps", node, DepShape);
            return Checked(text.StartsWith(':') ? new DepSpec(DepKind.Tag, text[1..]) : new DepSpec(DepKind.Workflow, text), node);
        }
        var map = yaml.Mapping("deps", node, DepShape);
        DepSpec? dep = null;
        YamlNode? nameNode = null;
        var mount = false;
        foreach (var (key, keyNode, value) in yaml.Entries(map, DepProperties, "a dep"))
        {
            if (key == "mount")
            {
                mount = yaml.Bool("deps.mount", value);
                continue;
            }
            if (dep is not null) throw WorkflowException.DepNeedsOneKind(yaml.At(keyNode), both: true);
            dep = new DepSpec(key == "tag" ? DepKind.Tag : DepKind.Workflow, yaml.String($"deps.{key}", value));
            nameNode = value;
        }
        if (dep is null) throw WorkflowException.DepNeedsOneKind(yaml.At(map), both: false);
        return Checked(dep with { Mount = mount }, nameNode!);
    }

    /// <summary>A name, or <c>owner/repo/NAME</c> for another repository; tag names are restricted further.</summary>
    private DepSpec Checked(DepSpec dep, YamlNode at)
    {
        var parts = dep.Name.Split('/');
        var valid = parts.Length is 1 or 3
            && parts.All(part => part.Length > 0 && !part.Any(char.IsWhiteSpace))
            && (dep.Kind == DepKind.Workflow || TagName().IsMatch(parts[^1]));
        return valid ? dep : throw WorkflowException.InvalidDep(yaml.At(at), dep);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TagName();
}
