namespace Dstack.Core.Workflows;

/// <summary>The values a workflow's <c>provider</c> may take.</summary>
public static class WorkflowProviders
{
    public const string Bash = "bash";
    public const string Docker = "docker";
    /// <summary>VS Code in the browser (code-server or openvscode-server).</summary>
    public const string Code = "code";
    /// <summary>JupyterLab.</summary>
    public const string Lab = "lab";
    /// <summary>The classic Jupyter Notebook.</summary>
    public const string Notebook = "notebook";

    public static IReadOnlyList<string> Supported { get; } = [Bash, Docker, Code, Lab, Notebook];

    /// <summary>The providers that start a server in the browser on <c>PORT_0</c> instead of running <c>commands</c>.</summary>
    public static IReadOnlyList<string> DevEnvironments { get; } = [Code, Lab, Notebook];

    /// <summary>Providers the original dstack had; named so users get "not supported yet" rather than "unknown".</summary>
    public static IReadOnlyList<string> NotYetSupported { get; } = ["torchrun"];
}
