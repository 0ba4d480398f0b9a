using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dstack.Dashboard;
using Dstack.Cli.Output;
using Microsoft.AspNetCore.Builder;

namespace Dstack.Cli.Tests.Dashboard;

/// <summary>The gate of a real dashboard (Kestrel on loopback, an empty local store): token, cookie, CSRF and origin.</summary>
public sealed partial class DashboardGateTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("dstack-dashboard-").FullName;
    private readonly DashboardSessions _sessions = new();
    private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
    private WebApplication _app = null!;
    private string _base = "";

    public async Task InitializeAsync()
    {
        var ctx = new CliContext(_home, new CliOutput(Stream.Null, Stream.Null), _home);
        var port = FreePort();
        _base = $"http://127.0.0.1:{port}";
        _app = DashboardServer.Build(ctx, new DashboardOptions(IPAddress.Loopback, port, OpenBrowser: false), _sessions);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task<string> SignInAsync()
    {
        var response = await _http.GetAsync($"{_base}/?token={_sessions.Token}");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldNotContain("token");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        return cookie.Split(';')[0];
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? cookie, string? csrf = null, string? origin = null)
    {
        var request = new HttpRequestMessage(method, _base + path);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (csrf is not null) request.Headers.Add(DashboardAuth.CsrfHeader, csrf);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (method == HttpMethod.Post) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/runs")]
    [InlineData("/runs/me/repo/some-run-1")]
    [InlineData("/api/runs/me/repo/some-run-1/log")]
    public async Task WithoutTheCookie_EveryPageAndApi_Answers401_WithNoData(string path)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Get, path, cookie: null));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldStartWith("Not signed in");
        (await _http.SendAsync(Request(HttpMethod.Get, path, "dstack_dashboard=made-up"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AWrongToken_Answers401_AndSetsNoCookie()
    {
        var response = await _http.GetAsync($"{_base}/?token=not-the-token");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task TheToken_IsTradedForACookie_ThatOpensThePages()
    {
        var cookie = await SignInAsync();
        var page = await _http.SendAsync(Request(HttpMethod.Get, "/", cookie));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("<h1>Runs</h1>");
        (await (await _http.SendAsync(Request(HttpMethod.Get, "/api/runs", cookie))).Content.ReadAsStringAsync()).ShouldBe("{\"runs\":[],\"page\":1,\"pages\":1,\"total\":0}");
    }

    [Fact]
    public async Task AnAction_WithoutTheSessionsCsrfToken_OrFromAnotherOrigin_IsRefused()
    {
        var cookie = await SignInAsync();
        var html = await (await _http.SendAsync(Request(HttpMethod.Get, "/", cookie))).Content.ReadAsStringAsync();
        var csrf = CsrfMeta().Match(html).Groups[1].Value;
        csrf.ShouldNotBeEmpty();
        const string stop = "/api/runs/me/repo/some-run-1/stop";

        (await _http.SendAsync(Request(HttpMethod.Post, stop, cookie))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _http.SendAsync(Request(HttpMethod.Post, stop, cookie, csrf: "0" + csrf[1..]))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _http.SendAsync(Request(HttpMethod.Post, stop, cookie, csrf, origin: "http://evil.example"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var crossSite = Request(HttpMethod.Post, stop, cookie, csrf);
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        (await _http.SendAsync(crossSite)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Past the gate, the action runs: here, on a run the store does not have.
        var allowed = await _http.SendAsync(Request(HttpMethod.Post, stop, cookie, csrf, origin: _base));
        allowed.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await allowed.Content.ReadAsStringAsync()).ShouldContain("No run");
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([0-9a-f]+)\">")]
    private static partial Regex CsrfMeta();
}
