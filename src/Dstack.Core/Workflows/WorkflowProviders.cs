namespace Dstack.Core.Workflows;

/// <summary>The values a workflow's <c>provider</c> may take.</summary>
public static class WorkflowProviders
{
    public const string Bash = "bash";
    public const string Docker = "docker";

    public static IReadOnlyList<string> Supported { get; } = [Bash, Docker];

    /// <summary>Providers the original dstack had; named so users get "not supported yet" rather than "unknown".</summary>
    public static IReadOnlyList<string> NotYetSupported { get; } = ["code", "lab", "notebook", "torchrun"];
}
