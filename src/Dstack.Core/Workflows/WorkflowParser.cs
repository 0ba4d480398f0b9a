using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

/// <summary>
/// Turns one workflow mapping into a validated <see cref="WorkflowSpec"/>. Properties are checked in
/// file order and the first problem throws, so the user sees the earliest mistake first.
/// </summary>
internal sealed partial class WorkflowParser(YamlReader yaml, Dictionary<string, SourceLocation> defined)
{
    /// <summary>Every property a workflow may have (the JSON schema lists exactly these).</summary>
    public static readonly IReadOnlyList<string> Properties =
    [
        "name", "provider", "help", "deps", "commands", "before_run", "setup", "requirements",
        "python", "env", "working_dir", "artifacts", "ports", "resources", "image", "version",
        "nodes", "script", "args", "nproc_per_node",
    ];

    /// <summary>The most nodes one run may ask for (a typo such as 1000 fails here, not after 1000 runners start).</summary>
    public const int MaxNodes = 256;

    public WorkflowSpec Parse(YamlNode node)
    {
        var map = yaml.Mapping("workflows", node, "a list of workflow mappings (each with at least 'name' and 'provider')");
        // Placeholders for name/provider/location are replaced below; CheckRequired rejects them if never set.
        var spec = new WorkflowSpec { Name = "", Provider = "", Location = yaml.At(map) };
        var locations = new Dictionary<string, SourceLocation>();
        foreach (var (key, keyNode, value) in yaml.Entries(map, Properties))
        {
            locations[key] = yaml.At(keyNode);
            spec = key switch
            {
                "name" => spec with { Name = Name(value, locations[key]), Location = locations[key] },
                "provider" => spec with { Provider = Provider(value) },
                "help" => spec with { Help = yaml.String(key, value) },
                "deps" => spec with { Deps = Deps(value) },
                "commands" => spec with { Commands = Commands(key, value) },
                "before_run" or "setup" when locations.ContainsKey(key == "setup" ? "before_run" : "setup") =>
                    throw WorkflowException.BeforeRunAndSetup(locations[key]),
                "before_run" or "setup" => spec with { BeforeRun = Commands(key, value) },
                "requirements" => spec with { Requirements = yaml.String(key, value) },
                "python" => spec with { Python = Python(value) },
                "env" => spec with { Env = Env(value) },
                "working_dir" => spec with { WorkingDir = WorkingDir(value) },
                "artifacts" => spec with { Artifacts = Artifacts(value) },
                "ports" => spec with { Ports = yaml.Int(key, value, 0, 100) },
                "resources" => spec with { Resources = Resources(value) },
                "image" => spec with { Image = yaml.String(key, value) },
                "nodes" => spec with { Nodes = yaml.Int(key, value, 1, MaxNodes) },
                "script" => spec with { Script = Script(value) },
                "args" => spec with { ScriptArgs = string.Join(' ', Commands(key, value)) },
                "nproc_per_node" => spec with { NprocPerNode = yaml.Int(key, value, 1, 1024) },
                "version" => spec with { Version = Version(value) },
                _ => throw new UnreachableException($"property '{key}' is listed but not parsed"),
            };
        }
        CheckRequired(spec, locations);
        return spec with { PropertyLocations = locations };
    }

    private void CheckRequired(WorkflowSpec spec, Dictionary<string, SourceLocation> locations)
    {
        var at = spec.Location;
        if (!locations.ContainsKey("name")) throw WorkflowException.MissingProperty(at, "workflow", "name");
        var owner = $"workflow '{spec.Name}'";
        if (!locations.ContainsKey("provider"))
            throw WorkflowException.MissingProperty(at, owner, "provider",
                $"supported providers: {string.Join(", ", WorkflowProviders.Supported)}");
        if (spec.Provider == WorkflowProviders.Bash && spec.Commands.Count == 0)
            throw WorkflowException.MissingProperty(at, owner, "commands", "provider 'bash' runs them");
        if (spec.Provider == WorkflowProviders.Docker && spec.Image is null)
            throw WorkflowException.MissingProperty(at, owner, "image", "provider 'docker' runs it");
        var devEnvironment = WorkflowProviders.DevEnvironments.Contains(spec.Provider);
        if (devEnvironment && locations.TryGetValue("commands", out var devCommands))
            throw WorkflowException.DevEnvironmentCommands(devCommands, spec.Provider);
        if (devEnvironment && spec.Nodes > 1)
            throw WorkflowException.PropertyNotForProvider(locations["nodes"], "nodes", spec.Provider, "a dev environment is one server on one node");
        if (!devEnvironment && locations.TryGetValue("version", out var version))
            throw WorkflowException.VersionNotForProvider(version, spec.Provider);
        if (spec.Provider == WorkflowProviders.Torchrun) CheckTorchrun(spec, locations, owner);
        else if (WorkflowProviders.TorchrunOnly.FirstOrDefault(locations.ContainsKey) is { } only)
            throw WorkflowException.PropertyNotForProvider(locations[only], only, spec.Provider, "only provider 'torchrun' reads it");
    }

    private static void CheckTorchrun(WorkflowSpec spec, Dictionary<string, SourceLocation> locations, string owner)
    {
        if (spec.Script is null)
            throw WorkflowException.MissingProperty(spec.Location, owner, "script", "provider 'torchrun' runs it on every node");
        if (locations.TryGetValue("commands", out var commands))
            throw WorkflowException.PropertyNotForProvider(commands, "commands", WorkflowProviders.Torchrun, "it runs 'script'; put set-up commands in 'before_run'");
        if (spec.NprocPerNode is { } nproc && spec.Resources?.Gpu is { Count: > 0 } gpu && nproc > gpu.Count)
            throw WorkflowException.NprocAboveGpus(locations["nproc_per_node"], nproc, gpu.Count);
    }

    private string Script(YamlNode node)
    {
        var script = yaml.String("script", node);
        return script.Trim().Length == 0 ? throw yaml.WrongType("script", node, "the path of a Python script") : script;
    }

    private string Name(YamlNode node, SourceLocation at)
    {
        var name = yaml.String("name", node);
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '/'))
            throw WorkflowException.InvalidWorkflowName(yaml.At(node), name);
        if (defined.TryGetValue(name, out var first)) throw WorkflowException.DuplicateWorkflow(at, name, first);
        defined[name] = at;
        return name;
    }

    private string Provider(YamlNode node)
    {
        var provider = yaml.String("provider", node);
        return WorkflowProviders.Supported.Contains(provider)
            ? provider
            : throw WorkflowException.UnknownProvider(yaml.At(node), provider);
    }

    // The raw scalar text, so that YAML's float 3.10 stays "3.10".
    private string Python(YamlNode node)
    {
        var python = yaml.Scalar("python", node, "a Python version such as 3.10");
        return PythonVersion().IsMatch(python) ? python : throw yaml.WrongType("python", node, "a Python version such as 3.10");
    }

    // The raw scalar text, so that YAML's float 1.10 stays "1.10"; it goes into a pip pin or a download URL.
    private string Version(YamlNode node)
    {
        var version = yaml.Scalar("version", node, "a version such as 6.4.12");
        return VersionText().IsMatch(version) ? version : throw yaml.WrongType("version", node, "a version such as 6.4.12");
    }

    private string WorkingDir(YamlNode node)
    {
        var path = yaml.String("working_dir", node);
        if (path.StartsWith('/')) throw WorkflowException.AbsoluteWorkingDir(yaml.At(node), path);
        if (GoesUp(path)) throw WorkflowException.WorkingDirOutsideRepo(yaml.At(node), path);
        return path;
    }

    /// <summary>Whether a relative path climbs above its starting folder (<c>..</c>, <c>a/../..</c>).</summary>
    internal static bool GoesUp(string path)
    {
        var depth = 0;
        foreach (var part in path.Split('/', '\\'))
        {
            if (part == "..") depth--;
            else if (part is not ("" or ".")) depth++;
            if (depth < 0) return true;
        }
        return false;
    }

    [GeneratedRegex(@"^\d+(\.\d+){0,2}$")]
    private static partial Regex PythonVersion();

    [GeneratedRegex(@"^[0-9][0-9A-Za-z.+-]{0,40}$")]
    private static partial Regex VersionText();
}
