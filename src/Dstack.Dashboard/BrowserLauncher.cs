using Dstack.Cli;
using System.Diagnostics;

namespace Dstack.Dashboard;

/// <summary>
/// Opens the dashboard in the user's browser when one is configured: <c>$BROWSER</c>, else <c>xdg-open</c> in a desktop
/// session. No browser is never an error: the URL is printed anyway.
/// </summary>
public static class BrowserLauncher
{
    public static void TryOpen(string url)
    {
        var command = Environment.GetEnvironmentVariable("BROWSER") is { Length: > 0 } browser ? browser
            : Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 } || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 }
                ? "xdg-open" : null;
        if (command is null) return;
        try
        {
            var start = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(url);
            using var process = Process.Start(start);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // The URL is printed already: a browser that cannot be started changes nothing.
        }
    }
}
