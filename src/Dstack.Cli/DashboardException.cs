using Dstack.Core.Errors;

namespace Dstack.Cli;

/// <summary>What <c>dstack dashboard</c> refuses, each sentence naming the value and what works instead.</summary>
public sealed class DashboardException(string message) : DstackException(message)
{
    public static DashboardException BadPort(string value) =>
        new($"Invalid --port '{value}': give a port from 1 to 65535, like --port 8484.");

    public static DashboardException BadHost(string value) =>
        new($"Invalid --host '{value}': give an IP address of this machine, like --host 127.0.0.1 (or 0.0.0.0 for every address).");

    public static DashboardException PortBusy(string host, int port) =>
        new($"Cannot listen on {host}:{port}: the port is in use. Choose another with --port, like --port {(port == 65535 ? 8484 : port + 1)}.");

    public static DashboardException NoSuchRun(string repo, string run) =>
        new($"No run '{run}' in {repo}.");

    public static DashboardException AlreadyFinished(string run) =>
        new($"Run '{run}' has already finished.");

    public static DashboardException NotInstalled(string path) =>
        new($"The dashboard is not installed: {path} is missing. Publish dstack again (dotnet publish src/Dstack.Cli) to get it beside dstack.");

    /// <summary>Printed, not thrown: the dashboard is reachable from other machines, guarded by its token alone.</summary>
    public static string NonLoopbackWarning(string host) =>
        $"Warning: listening on {host}, reachable from other machines; anyone with the URL's token can stop and remove runs. The traffic is not encrypted.";
}
