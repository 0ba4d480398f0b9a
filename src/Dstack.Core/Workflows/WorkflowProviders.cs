namespace Dstack.Core.Workflows;

/// <summary>The values a workflow's <c>provider</c> may take.</summary>
public static class WorkflowProviders
{
    public const string Bash = "bash";
    public const string Docker = "docker";
    public const string Torchrun = "torchrun";

    public static IReadOnlyList<string> Supported { get; } = [Bash, Docker, Torchrun];

    /// <summary>Properties that only <see cref="Torchrun"/> reads.</summary>
    public static IReadOnlyList<string> TorchrunOnly { get; } = ["script", "args", "nproc_per_node"];

    /// <summary>Providers the original dstack had; named so users get "not supported yet" rather than "unknown".</summary>
    public static IReadOnlyList<string> NotYetSupported { get; } = ["code", "lab", "notebook"];
}
