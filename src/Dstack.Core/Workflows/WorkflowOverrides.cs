namespace Dstack.Core.Workflows;

/// <summary>
/// What the provider flags of <c>dstack run</c> (<c>-e</c>, <c>-a</c>, <c>--dep</c>, <c>--gpu</c>, …) change in a
/// workflow, or in the workflow a provider makes of its arguments. As in the original: env entries and deps are
/// added, artifacts replace the workflow's, every other value replaces the workflow's value.
/// </summary>
public sealed record WorkflowOverrides
{
    /// <summary>Where overridden values come from, for errors raised after loading.</summary>
    public static readonly SourceLocation CommandLine = new("(command line)", 1, 1);

    public IReadOnlyList<string> Env { get; init; } = [];
    public IReadOnlyList<DepSpec> Deps { get; init; } = [];
    /// <summary>Null keeps the workflow's artifacts.</summary>
    public IReadOnlyList<string>? Artifacts { get; init; }
    public string? WorkingDir { get; init; }
    public string? Requirements { get; init; }
    public int? Ports { get; init; }
    public int? Cpu { get; init; }
    public string? Memory { get; init; }
    public int? GpuCount { get; init; }
    public string? GpuName { get; init; }
    public string? GpuMemory { get; init; }
    public string? ShmSize { get; init; }
    public bool Interruptible { get; init; }
    public bool Local { get; init; }

    private bool ChangesResources =>
        Cpu is not null || Memory is not null || ChangesGpu || ShmSize is not null || Interruptible || Local;

    private bool ChangesGpu => GpuCount is not null || GpuName is not null || GpuMemory is not null;

    public WorkflowSpec ApplyTo(WorkflowSpec spec)
    {
        var locations = new Dictionary<string, SourceLocation>(spec.PropertyLocations);
        T? Set<T>(string property, T? value, T? current)
        {
            if (value is null) return current;
            locations[property] = CommandLine;
            return value;
        }
        return spec with
        {
            Env = [.. spec.Env, .. Env],
            Deps = [.. spec.Deps, .. Deps],
            Artifacts = Set("artifacts", Artifacts?.Select(path => new ArtifactSpec(path)).ToList(), spec.Artifacts)!,
            WorkingDir = Set("working_dir", WorkingDir, spec.WorkingDir),
            Requirements = Set("requirements", Requirements, spec.Requirements),
            Ports = Ports ?? spec.Ports,
            Resources = ChangesResources ? Resources(spec.Resources ?? new ResourcesSpec()) : spec.Resources,
            PropertyLocations = locations,
        };
    }

    private ResourcesSpec Resources(ResourcesSpec r) => r with
    {
        Cpu = Cpu ?? r.Cpu,
        Memory = Memory ?? r.Memory,
        Gpu = ChangesGpu ? Gpu(r.Gpu) : r.Gpu,
        ShmSize = ShmSize ?? r.ShmSize,
        Interruptible = Interruptible || r.Interruptible,
        Local = Local || r.Local,
    };

    // A GPU name without a count means one GPU, as in the workflow file.
    private GpuSpec Gpu(GpuSpec? gpu)
    {
        var current = gpu ?? new GpuSpec(GpuName is null && GpuMemory is null ? 0 : 1);
        return current with { Count = GpuCount ?? current.Count, Name = GpuName ?? current.Name, Memory = GpuMemory ?? current.Memory };
    }
}
