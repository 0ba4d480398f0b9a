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
    /// <summary>Every provider flag, in the order <c>dstack run --help</c> lists them.</summary>
    public static readonly IReadOnlyList<ProviderFlag> All =
    [
        new(["-e", "--env"], "NAME=VALUE", "env", "Add an environment variable (a bare NAME takes your value); repeatable"),
        new(["-a", "--artifact"], "PATH", "artifacts", "Save PATH as an artifact, instead of the workflow's artifacts; repeatable"),
        new(["--dep"], "DEP", "deps", "Add a dependency: :TAG or WORKFLOW (also owner/repo/NAME); repeatable"),
        new(["-w", "--working-dir"], "DIR", "working_dir", "Run in DIR, relative to the repository root"),
        new(["-r", "--requirements"], "FILE", "requirements", "pip install -r FILE before the commands"),
        new(["-p", "--ports", "--port"], "N", "ports", "Give the job N free ports ($PORT_0 ...)"),
        new(["--cpu"], "N", "cpu", "CPUs"),
        new(["--memory"], "SIZE", "memory", "Memory, e.g. 16GB"),
        new(["--gpu"], "N", "gpu", "GPUs"),
        new(["--gpu-name"], "NAME", "gpu_name", "GPU model, e.g. A100 (one GPU unless --gpu says more)"),
        new(["--gpu-memory"], "SIZE", "gpu_memory", "Memory per GPU, e.g. 40GB"),
        new(["--shm-size"], "SIZE", "shm_size", "Shared memory (/dev/shm) of a container"),
        new(["-i", "--interruptible"], null, "interruptible", "Spot instance (no effect on this machine)"),
        new(["-l", "--local"], null, "local", "Run on this machine (every run does)"),
    ];

    /// <summary>Every name of a flag that takes a value, and the property it sets.</summary>
    private static readonly Dictionary<string, string> WithValue =
        All.Where(f => f.Value is not null).SelectMany(f => f.Names.Select(n => (n, f.Property))).ToDictionary(x => x.n, x => x.Property, StringComparer.Ordinal);

    private static readonly HashSet<string> Switches = [.. All.Where(f => f.Value is null).SelectMany(f => f.Names)];

    /// <summary>Whether <paramref name="arg"/> is a provider flag that takes a value (also in the <c>--flag=VALUE</c> form).</summary>
    public static bool TakesValue(string arg) => WithValue.ContainsKey(FlagName(arg)) && !arg.Contains('=');

    /// <summary>Whether <paramref name="arg"/> is one of the provider flags.</summary>
    public static bool IsFlag(string arg) => WithValue.ContainsKey(FlagName(arg)) || Switches.Contains(arg);

    private static string FlagName(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and var eq ? arg[..eq] : arg;

    /// <summary>Adds one flag (<paramref name="value"/> null for <c>-i</c>, <c>-l</c> and the <c>--flag=VALUE</c> form) to <paramref name="overrides"/>.</summary>
    public static WorkflowOverrides Add(WorkflowOverrides overrides, string arg, string? value)
    {
        var flag = FlagName(arg);
        if (flag.Length < arg.Length) value = arg[(flag.Length + 1)..];
        if (All.FirstOrDefault(f => f.Names.Contains(flag)) is { Value: null } flagSwitch)
            return flagSwitch.Property == "local" ? overrides with { Local = true } : overrides with { Interruptible = true };
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
