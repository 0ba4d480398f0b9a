using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

// commands / before_run / setup, env and artifacts: lists with a shorthand form each.
internal sealed partial class WorkflowParser
{
    private const string CommandsShape = "a list of strings or a multi-line string";

    /// <summary>A list of strings, or one string split into lines (blank lines dropped: they would join as "&amp;&amp; &amp;&amp;").</summary>
    private IReadOnlyList<string> Commands(string property, YamlNode node)
    {
        if (node is YamlScalarNode)
            return yaml.String(property, node, CommandsShape)
                .Split('\n')
                .Select(line => line.TrimEnd('\r'))
                .Where(line => line.Trim().Length > 0)
                .ToList();
        // A mapping item usually means an unquoted "key: value" inside a command, hence the hint.
        return yaml.Sequence(property, node, CommandsShape).Children
            .Select(item => item is YamlMappingNode
                ? throw yaml.WrongType(property, item, "a list of strings (quote a command that contains ': ')")
                : yaml.String(property, item, CommandsShape))
            .ToList();
    }

    /// <summary>A list of <c>NAME=VALUE</c> / <c>NAME</c>, or a mapping <c>NAME: VALUE</c>, normalised to the list form.</summary>
    private IReadOnlyList<string> Env(YamlNode node)
    {
        const string shape = "a list of NAME=VALUE entries or a mapping of NAME: VALUE";
        if (node is YamlMappingNode map)
            return map.Children.Select(entry =>
            {
                var name = yaml.Scalar("env", entry.Key, shape);
                var bare = entry.Value is YamlScalarNode scalar && YamlReader.IsNull(scalar);
                return EnvEntry(entry.Key, bare ? name : $"{name}={yaml.Scalar($"env.{name}", entry.Value, "a value")}");
            }).ToList();
        return yaml.Sequence("env", node, shape).Children
            .Select(item => EnvEntry(item, yaml.String("env", item, shape)))
            .ToList();
    }

    private string EnvEntry(YamlNode at, string entry)
    {
        var name = entry.Split('=', 2)[0];
        if (!IsEnvName(name)) throw WorkflowException.InvalidEnvName(yaml.At(at), entry, name);
        // A bare name copies the caller's value into the run's record: never the store's credentials.
        return entry == name && EnvNames.Credentials.Contains(name)
            ? throw WorkflowException.CredentialsNotPassed(yaml.At(at), name)
            : entry;
    }

    internal static bool IsEnvName(string name) => EnvName().IsMatch(name);

    private IReadOnlyList<ArtifactSpec> Artifacts(YamlNode node) =>
        yaml.Sequence("artifacts", node, "a list of paths or {path, mount} mappings").Children.Select(Artifact).ToList();

    private static readonly IReadOnlyList<string> ArtifactProperties = ["path", "mount"];

    private ArtifactSpec Artifact(YamlNode node)
    {
        if (node is not YamlMappingNode map) return new ArtifactSpec(ArtifactPath(node));
        var artifact = new ArtifactSpec("");
        foreach (var (key, _, value) in yaml.Entries(map, ArtifactProperties, "an artifact"))
            artifact = key == "path"
                ? artifact with { Path = ArtifactPath(value) }
                : artifact with { Mount = yaml.Bool("artifacts.mount", value) };
        return artifact.Path.Length > 0 ? artifact : throw WorkflowException.MissingProperty(yaml.At(map), "artifact", "path");
    }

    // Relative to the working directory; absolute paths are allowed (the runner uses them as they are).
    private string ArtifactPath(YamlNode node)
    {
        var path = yaml.String("artifacts.path", node, "a path");
        path = path.StartsWith("./") ? path[2..] : path;
        if (path.Trim('/').Length == 0 && path.StartsWith('/')) throw WorkflowException.ArtifactIsRoot(yaml.At(node));
        if (!path.StartsWith('/') && GoesUp(path)) throw WorkflowException.ArtifactOutsideWorkingDir(yaml.At(node), path);
        return path.Length > 0 ? path : throw yaml.WrongType("artifacts.path", node, "a non-empty path");
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvName();
}
