namespace Dstack.Core.Workflows;

/// <summary>The values a workflow's <c>provider</c> may take.</summary>
public static class WorkflowProviders
{
    public const string Bash = "bash";
    public const string Docker = "docker";
    public const string Torchrun = "torchrun";
    /// <summary>VS Code in the browser (code-server or openvscode-server).</summary>
    public const string Code = "code";
    /// <summary>JupyterLab.</summary>
    public const string Lab = "lab";
    /// <summary>The classic Jupyter Notebook.</summary>
    public const string Notebook = "notebook";

    public static IReadOnlyList<string> Supported { get; } = [Bash, Docker, Torchrun, Code, Lab, Notebook];

    /// <summary>Properties that only <see cref="Torchrun"/> reads.</summary>
    public static IReadOnlyList<string> TorchrunOnly { get; } = ["script", "args", "nproc_per_node"];

    /// <summary>The providers that start a server in the browser on <c>PORT_0</c> instead of running <c>commands</c>.</summary>
    public static IReadOnlyList<string> DevEnvironments { get; } = [Code, Lab, Notebook];
}
