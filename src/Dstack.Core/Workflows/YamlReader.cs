using System.Globalization;
using System.Text.RegularExpressions;
using Dstack.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

/// <summary>
/// Typed reads of YAML nodes of one file. Each read either returns a value or throws a
/// <see cref="WorkflowException"/> pointing at the node. Types follow the YAML 1.2 core schema, as editors
/// checking the JSON schema do: an int or bool is a plain scalar, and a string is any other non-null scalar
/// (so <c>ports: "5"</c> and <c>commands: 5</c> are both type errors).
/// </summary>
internal sealed partial class YamlReader(string file)
{
    public SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>The entries of a mapping, in file order; a key not in <paramref name="known"/> throws, with a suggestion.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(
        YamlMappingNode map, IReadOnlyList<string> known, string? context = null)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            var key = keyNode is YamlScalarNode scalar ? scalar.Value ?? "" : Describe(keyNode);
            if (!known.Contains(key)) throw WorkflowException.UnknownProperty(At(keyNode), key, context, known);
            yield return (key, keyNode, value);
        }
    }

    public YamlMappingNode Mapping(string property, YamlNode node, string expected) =>
        node as YamlMappingNode ?? throw WrongType(property, node, expected);

    public YamlSequenceNode Sequence(string property, YamlNode node, string expected) =>
        node as YamlSequenceNode ?? throw WrongType(property, node, expected);

    public string String(string property, YamlNode node, string expected = "a string") =>
        node is YamlScalarNode scalar && !IsNull(scalar) && !IsNumberOrBool(scalar)
            ? Closed(scalar)
            : throw WrongType(property, node, expected);

    /// <summary>Any non-null scalar's text as written, for values where a number is fine too (<c>python: 3.10</c>).</summary>
    public string Scalar(string property, YamlNode node, string expected) =>
        node is YamlScalarNode scalar && !IsNull(scalar) ? Closed(scalar) : throw WrongType(property, node, expected);

    /// <summary>
    /// The scalar's text, unless a <c>${{</c> in it is never closed on its line: the template would leave it for the shell
    /// to fail on at run time ("bad substitution"), so it is an error here, at its line.
    /// </summary>
    private string Closed(YamlScalarNode scalar)
    {
        var text = scalar.Value!;
        if (!text.Contains("${{", StringComparison.Ordinal)) return text;
        var open = ClosedExpression().Replace(text, match => new string(' ', match.Length)).IndexOf("${{", StringComparison.Ordinal);
        if (open < 0) return text;
        // Block scalars (| and >) start on the line after their indicator; folded ones may have joined lines, so this is the nearest guess.
        var lines = text.AsSpan(0, open).Count('\n') + (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? 1 : 0);
        var end = text.IndexOf('\n', open);
        var at = lines == 0 ? At(scalar) : new SourceLocation(file, (int)scalar.Start.Line + lines, 1);
        throw WorkflowException.UnclosedExpression(at, text[open..(end < 0 ? text.Length : end)]);
    }

    public bool Bool(string property, YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "True" or "TRUE" or "false" or "False" or "FALSE" } scalar
            ? scalar.Value[0] is 't' or 'T'
            : throw WrongType(property, node, "true or false");

    public int Int(string property, YamlNode node, int min, int max, string? expected = null)
    {
        expected ??= max == int.MaxValue ? $"an integer of at least {min}" : $"an integer between {min} and {max}";
        return node is YamlScalarNode { Style: ScalarStyle.Plain } scalar
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
                ? value
                : throw WrongType(property, node, expected);
    }

    public WorkflowException WrongType(string property, YamlNode node, string expected) =>
        WorkflowException.WrongType(At(node), property, expected, Describe(node));

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    private static bool IsNumberOrBool(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && NumberOrBool().IsMatch(scalar.Value!);

    /// <summary>What a node is, in words, for "got ..." in messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "an empty value",
        YamlScalarNode scalar when IsNumberOrBool(scalar) => Quote.Short(scalar.Value!),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => $"'{Quote.Short(scalar.Value!)}'",
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } scalar => $"the quoted string '{Quote.Short(scalar.Value!)}'",
        _ => "a multi-line string",
    };

    // As WorkflowTemplate reads expressions: ${{ … }} on one line.
    [GeneratedRegex(@"\$\{\{.*?\}\}")]
    private static partial Regex ClosedExpression();

    // YAML 1.2 core schema ints (decimal, 0o, 0x), floats (incl. .inf/.nan) and bools.
    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex NumberOrBool();
}
