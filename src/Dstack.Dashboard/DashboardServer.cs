using Dstack.Cli;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Dstack.Dashboard;

/// <summary>
/// Kestrel on the chosen address with the gate (<see cref="DashboardAuth"/>) in front of every route. Each page or API
/// group registers its routes with one call in <see cref="Build"/>.
/// </summary>
public static class DashboardServer
{
    public static WebApplication Build(CliContext ctx, DashboardOptions options, DashboardSessions sessions)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.Address, options.Port);
        });
        var app = builder.Build();
        var auth = new DashboardAuth(sessions);
        var services = new DashboardServices(ctx, new DashboardRuns(ctx), auth);
        app.Use((http, next) => auth.InvokeAsync(http, next));
        app.UseRouting();
        RunsPage.Map(app, services);
        RunPage.Map(app, services);
        LogApi.Map(app, services);
        ActionsApi.Map(app, services);
        ArtifactsPage.Map(app, services);
        TagsPage.Map(app, services);
        SecretsPage.Map(app, services);
        ComputePage.Map(app, services);
        return app;
    }

    /// <summary>The address to print: the one listened on, or for 0.0.0.0 / :: this machine's loopback.</summary>
    public static string Url(DashboardOptions options, string token)
    {
        var host = options.Address.Equals(IPAddress.Any) ? "127.0.0.1" : options.Address.Equals(IPAddress.IPv6Any) ? "[::1]" : options.HostInUrl;
        return $"http://{host}:{options.Port}/?token={token}";
    }
}
