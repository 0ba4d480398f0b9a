using Microsoft.Playwright;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>
/// Debian's chromium (scripts/devenv-up.sh installs it) driven headless by Playwright; Playwright's own browser
/// downloads are never used. A missing chromium fails the test (in CI and out), never skips it.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<Browser> LaunchAsync()
    {
        File.Exists(Chromium).ShouldBeTrue($"{Chromium} is installed (scripts/devenv-up.sh); CI={Environment.GetEnvironmentVariable("CI")}");
        var playwright = await Playwright.CreateAsync();
        try
        {
            // As root chromium refuses to start without --no-sandbox.
            var args = Environment.UserName == "root" ? new[] { "--no-sandbox" } : [];
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = args });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh page (its own cookies) at <paramref name="url"/>, loaded.</summary>
    public async Task<IPage> OpenAsync(string url)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(url);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
