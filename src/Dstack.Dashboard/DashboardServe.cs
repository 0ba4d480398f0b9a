using Dstack.Cli;
using Dstack.Cli.Verbs;
using Microsoft.Extensions.Hosting;

namespace Dstack.Dashboard;

/// <summary>What <c>dstack-dashboard</c> does: serves until Ctrl+C or SIGTERM, then returns 0.</summary>
public static class DashboardServe
{
    public static async Task<int> RunAsync(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var options = DashboardVerb.Parse(args);
        _ = ctx.Storage; // built once here, before requests share the context
        var sessions = new DashboardSessions();
        await using var app = DashboardServer.Build(ctx, options, sessions);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw DashboardException.PortBusy(options.HostInUrl, options.Port);
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
