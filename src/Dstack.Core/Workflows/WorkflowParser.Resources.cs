using YamlDotNet.RepresentationModel;

namespace Dstack.Core.Workflows;

// resources: cpu, memory, gpu (a count or {name, count, memory}), shm_size, interruptible, local.
internal sealed partial class WorkflowParser
{
    /// <summary>Every property of <c>resources</c> (the JSON schema lists exactly these).</summary>
    public static readonly IReadOnlyList<string> ResourcesProperties = ["cpu", "memory", "gpu", "shm_size", "interruptible", "local"];

    /// <summary>Every property of the <c>resources.gpu</c> mapping form.</summary>
    public static readonly IReadOnlyList<string> GpuProperties = ["name", "count", "memory"];

    private ResourcesSpec Resources(YamlNode node)
    {
        var map = yaml.Mapping("resources", node, "a mapping such as {gpu: 1, memory: 16GB}");
        var resources = new ResourcesSpec();
        foreach (var (key, _, value) in yaml.Entries(map, ResourcesProperties, "resources"))
        {
            var property = $"resources.{key}";
            resources = key switch
            {
                "cpu" => resources with { Cpu = yaml.Int(property, value, 1, int.MaxValue) },
                "memory" => resources with { Memory = Memory(property, value) },
                "gpu" => resources with { Gpu = Gpu(value) },
                "shm_size" => resources with { ShmSize = Memory(property, value) },
                "interruptible" => resources with { Interruptible = yaml.Bool(property, value) },
                // 0.0.10+: "run on my own machine", which every run here does already.
                _ => resources with { Local = yaml.Bool(property, value) },
            };
        }
        return resources;
    }

    // A bare count, or a mapping where a missing count means one GPU.
    private GpuSpec Gpu(YamlNode node)
    {
        if (node is not YamlMappingNode map)
            return new GpuSpec(yaml.Int("resources.gpu", node, 0, int.MaxValue, "an integer of at least 0 or a mapping {name, count, memory}"));
        var gpu = new GpuSpec(1);
        foreach (var (key, _, value) in yaml.Entries(map, GpuProperties, "resources.gpu"))
        {
            var property = $"resources.gpu.{key}";
            gpu = key switch
            {
                "name" => gpu with { Name = yaml.String(property, value) },
                "count" => gpu with { Count = yaml.Int(property, value, 0, int.MaxValue) },
                _ => gpu with { Memory = Memory(property, value) },
            };
        }
        return gpu;
    }

    /// <summary>The size as written (e.g. <c>16GB</c>), once <see cref="MemorySize"/> accepts it.</summary>
    private string Memory(string property, YamlNode node)
    {
        var text = yaml.Scalar(property, node, "a memory size such as 16GB");
        return MemorySize.TryParse(text, out _, out var problem)
            ? text
            : throw WorkflowException.InvalidMemory(yaml.At(node), property, text, problem);
    }
}
