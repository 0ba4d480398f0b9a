using Microsoft.Extensions.Hosting;
using Dstack.Cli.Verbs;

namespace Dstack.Cli.Dashboard;

/// <summary><c>dstack dashboard</c>: serves the configured store to a browser on this machine until Ctrl+C.</summary>
public static class DashboardVerb
{
    private static readonly VerbOption Port = new(["--port"], "PORT", $"Listen on this port (default {DashboardOptions.DefaultPort})");
    private static readonly VerbOption Host = new(["--host"], "HOST", "Listen on this address (default 127.0.0.1; any other warns)");
    private static readonly VerbOption NoBrowser = new(["--no-browser"], null, "Do not open a browser");

    public static readonly Verb Verb = new("dashboard", "Serve the store's runs and live logs to a browser", Run)
    {
        Usage = ["dashboard [--port PORT] [--host HOST] [--no-browser]"],
        About = "Prints a URL with an access token; only a browser that opened it sees anything. Stop it with Ctrl+C.",
        Groups = Verb.OptionsGroup(Port, Host, NoBrowser),
        Notes = "Every repo of the configured store (a local folder or an S3 bucket) is shown; actions act as the CLI's verbs do.",
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var port = reader.Option(Port) is { } p ? DashboardOptions.ParsePort(p) : DashboardOptions.DefaultPort;
        var host = reader.Option(Host) ?? "127.0.0.1";
        var noBrowser = reader.Flag(NoBrowser);
        reader.Positionals(0);
        var options = new DashboardOptions(DashboardOptions.ParseHost(host), port, !noBrowser);
        _ = ctx.Storage; // built once here, before requests share the context
        var sessions = new DashboardSessions();
        await using var app = DashboardServer.Build(ctx, options, sessions);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or null || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw DashboardException.PortBusy(options.HostInUrl, port);
        }
        if (!options.IsLoopback) ctx.Err.WriteLine(DashboardException.NonLoopbackWarning(options.HostInUrl));
        var url = DashboardServer.Url(options, sessions.Token);
        ctx.Out.WriteLine($"Dashboard: {url}");
        ctx.Out.Flush();
        ctx.Err.WriteLine("Press Ctrl+C to stop.");
        if (options.OpenBrowser) BrowserLauncher.TryOpen(url);
        // Ctrl+C (or SIGTERM) ends the host's lifetime: the server stops, open requests end, and the exit code is 0.
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
}
