using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dstack.Dashboard;
using Dstack.Cli.Output;
using Dstack.Core.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>A real dashboard (Kestrel on loopback) over a local store in a temp home, signed in, with helpers to seed the store.</summary>
public sealed partial class TestDashboard : IAsyncDisposable
{
    public static readonly RepoRef Repo = new("acme", "widgets");

    private readonly DashboardSessions _sessions = new();
    private WebApplication _app = null!;

    private TestDashboard(string home)
    {
        Home = home;
        Ctx = new CliContext(home, new CliOutput(Stream.Null, Stream.Null), home, Clock);
    }

    public string Home { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public CliContext Ctx { get; }
    public HttpClient Http { get; } = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
    public string Base { get; private set; } = "";
    public string Cookie { get; private set; } = "";
    public string Csrf { get; private set; } = "";

    public static async Task<TestDashboard> StartAsync()
    {
        var dashboard = new TestDashboard(Directory.CreateTempSubdirectory("dstack-dashpages-").FullName);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        dashboard.Base = $"http://127.0.0.1:{port}";
        dashboard._app = DashboardServer.Build(dashboard.Ctx, new DashboardOptions(IPAddress.Loopback, port, OpenBrowser: false), dashboard._sessions);
        await dashboard._app.StartAsync();
        var signIn = await dashboard.Http.GetAsync($"{dashboard.Base}/?token={dashboard._sessions.Token}");
        dashboard.Cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        dashboard.Csrf = CsrfMeta().Match(await dashboard.GetTextAsync("/")).Groups[1].Value;
        return dashboard;
    }

    public Task<HttpResponseMessage> GetAsync(string path, bool signedIn = true, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Base + path);
        if (signedIn) request.Headers.Add("Cookie", Cookie);
        return Http.SendAsync(request, completion);
    }

    public async Task<string> GetTextAsync(string path)
    {
        var response = await GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A POST as the dashboard's own page sends it (cookie, CSRF token, origin), or without the token.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json = "{}", bool withCsrf = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Base + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Cookie", Cookie);
        request.Headers.Add("Origin", Base);
        if (withCsrf) request.Headers.Add(DashboardAuth.CsrfHeader, Csrf);
        return Http.SendAsync(request);
    }

    /// <summary>A run of <see cref="Repo"/> whose one job is in <paramref name="status"/>.</summary>
    public async Task<RunRecord> AddRunAsync(string name, JobStatus status)
    {
        var run = new RunRecord
        {
            RunName = name, Repo = Repo, WorkflowName = "train", ProviderName = "bash", SubmittedAt = Clock.GetUtcNow(),
            Code = new RepoSnapshotInfo { SnapshotId = "s" }, Jobs = [new JobSpec { Commands = ["true"] }],
        };
        await Ctx.Runs.CreateAsync(run, Clock.GetUtcNow(), default);
        await Ctx.Runs.PutStateAsync(Repo, name, 0, new JobState { Status = status, UpdatedAt = Clock.GetUtcNow() }, default);
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Http.Dispose();
        Directory.Delete(Home, recursive: true);
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([0-9a-f]+)\">")]
    private static partial Regex CsrfMeta();
}
