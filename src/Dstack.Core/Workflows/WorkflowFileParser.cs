using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

/// <summary>Parses one workflows file: YAML syntax, the root <c>workflows</c> list, then each workflow.</summary>
internal static partial class WorkflowFileParser
{
    public static readonly IReadOnlyList<string> RootProperties = ["workflows"];

    /// <summary>
    /// The file's valid workflows; each invalid one is added to <paramref name="problems"/> instead. A problem with
    /// the file as a whole (syntax, root) throws.
    /// </summary>
    /// <param name="defined">Names already defined (in earlier files too) and where, to reject duplicates.</param>
    public static IReadOnlyList<WorkflowSpec> Parse(string file, string text, Dictionary<string, SourceLocation> defined, List<WorkflowProblem> problems)
    {
        var yaml = new YamlReader(file);
        var root = ReadRoot(file, text, yaml);
        if (root is not YamlMappingNode map)
            throw WorkflowException.NotWorkflowsFile(root is null ? new(file, 1, 1) : yaml.At(root),
                root is null ? "an empty file" : YamlReader.Describe(root));

        var workflows = yaml.Entries(map, RootProperties).Select(entry => entry.Value).LastOrDefault()
            ?? throw WorkflowException.MissingProperty(yaml.At(map), "the file", "workflows", "a list of workflows");
        var parser = new WorkflowParser(yaml, defined);
        var valid = new List<WorkflowSpec>();
        foreach (var node in yaml.Sequence("workflows", workflows, "a list of workflows").Children)
        {
            try { valid.Add(parser.Parse(node)); }
            catch (WorkflowException e) { problems.Add(new WorkflowProblem(NameOf(node), e)); }
        }
        return valid;
    }

    /// <summary>The <c>name</c> of a workflow mapping that did not validate, when it has a plain one.</summary>
    private static string? NameOf(YamlNode node) =>
        node is YamlMappingNode map
        && map.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: "name" }).Value is YamlScalarNode { Value: { Length: > 0 } name }
            ? name
            : null;

    private static YamlNode? ReadRoot(string file, string text, YamlReader yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimitedParser(new Parser(new StringReader(text)), file));
        }
        catch (YamlException e)
        {
            throw WorkflowException.InvalidYaml(new(file, (int)e.Start.Line, (int)e.Start.Column), Reason(e.Message));
        }
        if (stream.Documents.Count > 1) throw WorkflowException.SeveralDocuments(yaml.At(stream.Documents[1].RootNode));
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>YamlDotNet's reason as a clause: "While scanning ..., found X." → "while scanning ..., found X".</summary>
    private static string Reason(string message)
    {
        var duplicate = DuplicateKey().Match(message);
        if (duplicate.Success) return $"key '{Errors.Quote.Short(duplicate.Groups[1].Value)}' appears twice in the same mapping";
        message = Errors.Quote.Short(message.Trim().TrimEnd('.'));
        return message.Length == 0 ? "malformed document" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    [GeneratedRegex("^Duplicate key (.*)$")]
    private static partial Regex DuplicateKey();
}
