using System.Globalization;

namespace Dstack.Core.Workflows;

/// <summary>
/// The original's provider flags of <c>dstack run</c> (reference §2.6): <c>-e NAME=VALUE</c>, <c>-a PATH</c>,
/// <c>--dep DEP</c>, <c>-w DIR</c>, <c>-r FILE</c>, <c>-p N</c>, <c>--cpu N</c>, <c>--memory SIZE</c>, <c>--gpu N</c>,
/// <c>--gpu-name NAME</c>, <c>--gpu-memory SIZE</c>, <c>--shm-size SIZE</c>, <c>-i</c> and <c>-l</c>. Each value is
/// checked as the same property in a workflow file is.
/// </summary>
public static class ProviderFlags
{
    /// <summary>Every flag that takes a value, and the property it sets.</summary>
    private static readonly Dictionary<string, string> WithValue = new(StringComparer.Ordinal)
    {
        ["-e"] = "env", ["--env"] = "env", ["-a"] = "artifacts", ["--artifact"] = "artifacts", ["--dep"] = "deps",
        ["-w"] = "working_dir", ["--working-dir"] = "working_dir", ["-r"] = "requirements", ["--requirements"] = "requirements",
        ["-p"] = "ports", ["--ports"] = "ports", ["--port"] = "ports", ["--cpu"] = "cpu", ["--memory"] = "memory",
        ["--gpu"] = "gpu", ["--gpu-name"] = "gpu_name", ["--gpu-memory"] = "gpu_memory", ["--shm-size"] = "shm_size",
    };

    /// <summary>Whether <paramref name="arg"/> is a provider flag that takes a value (also in the <c>--flag=VALUE</c> form).</summary>
    public static bool TakesValue(string arg) => WithValue.ContainsKey(FlagName(arg)) && !arg.Contains('=');

    /// <summary>Whether <paramref name="arg"/> is one of the provider flags.</summary>
    public static bool IsFlag(string arg) => WithValue.ContainsKey(FlagName(arg)) || arg is "-i" or "--interruptible" or "-l" or "--local";

    private static string FlagName(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and var eq ? arg[..eq] : arg;

    /// <summary>Adds one flag (<paramref name="value"/> null for <c>-i</c>, <c>-l</c> and the <c>--flag=VALUE</c> form) to <paramref name="overrides"/>.</summary>
    public static WorkflowOverrides Add(WorkflowOverrides overrides, string arg, string? value)
    {
        var flag = FlagName(arg);
        if (flag.Length < arg.Length) value = arg[(flag.Length + 1)..];
        if (flag is "-i" or "--interruptible") return overrides with { Interruptible = true };
        if (flag is "-l" or "--local") return overrides with { Local = true };
        var v = value ?? throw ProviderFlagException.NeedsValue(arg);
        return WithValue[flag] switch
        {
            "env" => overrides with { Env = [.. overrides.Env, Env(flag, v)] },
            "artifacts" => overrides with { Artifacts = [.. overrides.Artifacts ?? [], Artifact(flag, v)] },
            "deps" => overrides with { Deps = [.. overrides.Deps, Dep(flag, v)] },
            "working_dir" => overrides with { WorkingDir = WorkingDir(flag, v) },
            "requirements" => overrides with { Requirements = NonEmpty(flag, v) },
            "ports" => overrides with { Ports = Int(flag, v, 0, 100) },
            "cpu" => overrides with { Cpu = Int(flag, v, 1, int.MaxValue) },
            "memory" => overrides with { Memory = Memory(flag, v) },
            "gpu" => overrides with { GpuCount = Int(flag, v, 0, int.MaxValue) },
            "gpu_name" => overrides with { GpuName = NonEmpty(flag, v) },
            "gpu_memory" => overrides with { GpuMemory = Memory(flag, v) },
            _ => overrides with { ShmSize = Memory(flag, v) },
        };
    }

    private static string Env(string flag, string entry)
    {
        var name = entry.Split('=', 2)[0];
        return WorkflowParser.IsEnvName(name) ? entry : throw ProviderFlagException.Invalid(flag, entry,
            $"'{name}' is not a variable name; use NAME=VALUE with letters, digits and '_', not starting with a digit");
    }

    // The same rules as a path in `artifacts:`.
    private static string Artifact(string flag, string path)
    {
        path = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        if (path.Trim('/').Length == 0)
            throw ProviderFlagException.Invalid(flag, path, "name a folder");
        if (!path.StartsWith('/') && WorkflowParser.GoesUp(path))
            throw ProviderFlagException.Invalid(flag, path, "it goes outside the working directory with '..'");
        return path;
    }

    private static DepSpec Dep(string flag, string dep)
    {
        var spec = dep.StartsWith(':') ? new DepSpec(DepKind.Tag, dep[1..]) : new DepSpec(DepKind.Workflow, dep);
        return spec.Name.Length > 0 ? spec : throw ProviderFlagException.Invalid(flag, dep, "use :TAG or WORKFLOW");
    }

    private static string WorkingDir(string flag, string path)
    {
        if (path.StartsWith('/')) throw ProviderFlagException.Invalid(flag, path, "use a path relative to the repository root");
        if (WorkflowParser.GoesUp(path)) throw ProviderFlagException.Invalid(flag, path, "it goes outside the repository with '..'");
        return path;
    }

    private static string NonEmpty(string flag, string value) =>
        value.Trim().Length > 0 ? value : throw ProviderFlagException.Invalid(flag, value, "it is empty");

    private static int Int(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw ProviderFlagException.Invalid(flag, text, max == int.MaxValue ? $"use an integer of at least {min}" : $"use an integer between {min} and {max}");

    private static string Memory(string flag, string text) =>
        MemorySize.TryParse(text, out _, out var problem) ? text : throw ProviderFlagException.Invalid(flag, text, problem);
}
