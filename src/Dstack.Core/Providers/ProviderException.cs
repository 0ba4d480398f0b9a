using Dstack.Core.Errors;

namespace Dstack.Core.Providers;

/// <summary>Every sentence a user can see about a provider and the jobs it builds.</summary>
public sealed class ProviderException(string message) : DstackException(message)
{
    /// <param name="where">Where the workflow names the provider (<c>file:line:col</c>), or null for <c>dstack run NAME</c>.</param>
    public static ProviderException NotAvailable(string? where, string name, IEnumerable<string> available) =>
        new($"{(where is null ? "" : $"{where}: ")}provider '{name}' is not available yet; available: {string.Join(", ", available)}.");

    public static ProviderException BashNeedsCommand() => new("The bash provider needs a command: dstack run bash -c 'python train.py'");

    public static ProviderException TorchrunNeedsScript() => new("The torchrun provider needs a script: dstack run torchrun train.py [ARGS...]");

    public static ProviderException DockerNeedsImage() => new("The docker provider needs an image: dstack run docker IMAGE [-c 'COMMAND']");

    /// <summary>Printed by a lab or notebook job when Jupyter is neither there nor installable (the job then fails).</summary>
    public static string JupyterMissing(string what, string package) =>
        $"dstack: {what} is not installed for this job's python3, and 'pip install {package}' failed (is PyPI reachable?). " +
        $"Install it on the host (Debian: apt-get install jupyter-notebook; else pip install {package}), list it in 'requirements', " +
        "or use an 'image' that has it.";

    /// <summary>Printed by a code job when no VS Code server is on the host and the download fails (the job then fails).</summary>
    public static string CodeServerNotDownloaded(string version, string why) =>
        $"dstack: cannot download openvscode-server {version}: {why}; install code-server or openvscode-server on the host, or set `version`";
}
