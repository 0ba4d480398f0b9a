using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// A <c>dstack dashboard --no-browser</c> of a sandbox on a free loopback port, with the URL it printed (token and all).
/// Disposing it interrupts it as Ctrl+C does.
/// </summary>
public sealed partial class LiveDashboard : IAsyncDisposable
{
    private LiveDashboard(LiveDstack process, string url) => (Process, Url) = (process, url);

    public LiveDstack Process { get; }

    /// <summary>The printed URL: <c>http://127.0.0.1:PORT/?token=…</c>.</summary>
    public string Url { get; }

    public string Origin => new Uri(Url).GetLeftPart(UriPartial.Authority);

    public static async Task<LiveDashboard> StartAsync(Sandbox sandbox)
    {
        var live = sandbox.StartLive("dashboard", "--no-browser", "--port", LoopbackPorts.Closed().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var printed = await Eventually.ReturnsAsync(() => Task.FromResult(UrlLine().Match(live.StdOut)), m => m.Success || live.HasExited,
            TimeSpan.FromSeconds(60), "the dashboard's URL on stdout");
        printed.Success.ShouldBeTrue($"stdout: {live.StdOut}\nstderr: {live.StdErr}");
        return new LiveDashboard(live, printed.Groups[1].Value);
    }

    /// <summary>A plain HTTP client that sends no cookie and follows no redirect.</summary>
    public static HttpClient Client() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });

    /// <summary>As <see cref="Client"/>, sending the session cookie the browser <paramref name="page"/> got for the token.</summary>
    public static async Task<HttpClient> ClientOfAsync(IPage page)
    {
        var cookie = (await page.Context.CookiesAsync()).Single();
        var client = Client();
        client.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        return client;
    }

    /// <summary>What the browser saves when <paramref name="link"/> is clicked (a download link of the page).</summary>
    public static async Task<byte[]> DownloadAsync(IPage page, ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        await using var stream = await download.CreateReadStreamAsync();
        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Interrupt();
        await Process.DisposeAsync();
    }

    [GeneratedRegex(@"^Dashboard: (http://\S+\?token=[0-9a-f]+)$", RegexOptions.Multiline)]
    private static partial Regex UrlLine();
}
