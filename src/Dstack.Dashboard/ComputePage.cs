using Dstack.Cli;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dstack.Dashboard;

/// <summary>
/// The Compute page (<c>/compute</c>) and its API: <c>GET /api/compute</c> (the targets' hosts with capacity and status
/// as <c>dstack hosts</c> found them last, and where each unfinished run's jobs run) and <c>POST /api/compute/refresh</c>
/// (probe the hosts again; see <see cref="ComputeHosts"/>).
/// </summary>
public static class ComputePage
{
    public static void Map(WebApplication app, DashboardServices s)
    {
        var hosts = new ComputeHosts(s.Ctx);
        app.MapGet("/api/compute", async http =>
            await DashboardHttp.JsonAsync(http, await ReadAsync(s, hosts, refresh: false, http.RequestAborted), DashboardPagesJson.Default.ComputeResponse));
        app.MapPost("/api/compute/refresh", async http =>
            await DashboardHttp.JsonAsync(http, await ReadAsync(s, hosts, refresh: true, http.RequestAborted), DashboardPagesJson.Default.ComputeResponse));
        app.MapGet("/compute", async http =>
            await DashboardHttp.HtmlAsync(http, Html.Page("Compute", s.Auth.CsrfOf(http), Render(await ReadAsync(s, hosts, refresh: false, http.RequestAborted)), PagesScripts.Compute)));
    }

    public static async Task<ComputeResponse> ReadAsync(DashboardServices s, ComputeHosts hosts, bool refresh, CancellationToken ct)
    {
        var (at, lines) = await hosts.GetAsync(refresh, ct);
        var jobs = new List<JobPlacement>();
        foreach (var row in (await s.Runs.ListAsync(ct)).Where(r => !r.Finished))
        {
            var (owner, name) = (row.Repo[..row.Repo.IndexOf('/')], row.Repo[(row.Repo.IndexOf('/') + 1)..]);
            if (await s.Runs.ViewAsync(new Core.Models.RepoRef(owner, name), row.Run, ct) is not { } view) continue;
            foreach (var job in (await RunDetails.OfAsync(s.Ctx, view, ct)).Jobs.Where(j => !j.Finished))
                jobs.Add(new JobPlacement(row.Repo, row.Run, job.Index, job.Where, job.Status));
        }
        return new ComputeResponse(at, lines, jobs);
    }

    public static string Render(ComputeResponse compute)
    {
        var html = new StringBuilder("<h1>Compute</h1>");
        html.Append($"<p>Hosts as probed at <span id=\"probed\">{compute.ProbedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC</span> " +
                    "<button id=\"refresh\">Refresh</button> <span id=\"message\"></span></p>");
        html.Append("<table><thead><tr><th>Target</th><th>Host</th><th>Status</th><th>CPUs</th><th>Memory</th><th>GPUs</th><th>Platform</th><th>Running</th></tr></thead><tbody id=\"hosts\">");
        foreach (var host in compute.Hosts)
        {
            var here = compute.Jobs.Where(j => j.Where == $"{host.Target}/{host.Host}" || j.Where == host.Target && host.Target == "local")
                .Select(j => $"<a href=\"{Html.E(RunPage.Href(j.Repo, j.Run))}\">{Html.E(j.Run)}</a>{(j.Job > 0 ? $" (job {j.Job})" : "")}");
            html.Append($"<tr><td>{Html.E(host.Target)}</td><td>{Html.E(host.Host)}</td><td title=\"{Html.E(host.Problem)}\">{Html.E(host.Status)}</td><td>{Html.E(host.Cpus)}</td>" +
                        $"<td>{Html.E(host.Memory)}</td><td>{Html.E(host.Gpus)}</td><td>{Html.E(host.Platform)}</td><td>{string.Join(", ", here)}</td></tr>");
        }
        html.Append("</tbody></table><h2>Running jobs</h2><table><thead><tr><th>Run</th><th>Job</th><th>Repo</th><th>Where</th><th>Status</th></tr></thead><tbody id=\"jobs\">");
        foreach (var job in compute.Jobs)
            html.Append($"<tr><td><a href=\"{Html.E(RunPage.Href(job.Repo, job.Run))}\">{Html.E(job.Run)}</a></td><td>{job.Job}</td><td>{Html.E(job.Repo)}</td>" +
                        $"<td>{Html.E(job.Where)}</td><td>{Html.E(job.Status)}</td></tr>");
        html.Append("</tbody></table>");
        return html.ToString();
    }
}
