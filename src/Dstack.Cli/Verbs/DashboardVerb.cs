using System.Diagnostics;

namespace Dstack.Cli.Verbs;

/// <summary>
/// <c>dstack dashboard</c>: checks its options, then runs <c>dstack-dashboard</c> from this executable's folder (its own
/// executable, so that Kestrel costs no other command's start-up) with the terminal, and returns its exit code.
/// </summary>
public static class DashboardVerb
{
    public static readonly VerbOption Port = new(["--port"], "PORT", $"Listen on this port (default {DashboardOptions.DefaultPort})");
    public static readonly VerbOption Host = new(["--host"], "HOST", "Listen on this address (default 127.0.0.1; any other warns)");
    public static readonly VerbOption NoBrowser = new(["--no-browser"], null, "Do not open a browser");

    public const string Executable = "dstack-dashboard";

    public static readonly Verb Verb = new("dashboard", "Serve the store to a browser: runs, live logs, artifacts, tags, secrets, compute", Run)
    {
        Usage = ["dashboard [--port PORT] [--host HOST] [--no-browser]"],
        About = "Prints a URL with an access token; only a browser that opened it sees anything. Stop it with Ctrl+C.",
        Groups = Verb.OptionsGroup(Port, Host, NoBrowser),
        Notes = "Every repo of the configured store (a local folder or an S3 bucket) is shown; actions act as the CLI's verbs do.",
    };

    /// <summary>The options as <c>dstack-dashboard</c> takes them too (the same declaration, the same sentences).</summary>
    public static DashboardOptions Parse(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(Verb, args);
        var port = reader.Option(Port) is { } p ? DashboardOptions.ParsePort(p) : DashboardOptions.DefaultPort;
        var host = DashboardOptions.ParseHost(reader.Option(Host) ?? "127.0.0.1");
        var noBrowser = reader.Flag(NoBrowser);
        reader.Positionals(0);
        return new DashboardOptions(host, port, !noBrowser);
    }

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        Parse(args);
        var folder = Path.GetDirectoryName(Environment.ProcessPath) is { } dir && File.Exists(Path.Combine(dir, Executable)) ? dir : AppContext.BaseDirectory;
        var path = Path.Combine(folder, Executable);
        if (!File.Exists(path)) throw DashboardException.NotInstalled(path);
        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw DashboardException.NotInstalled(path);
        // Ctrl+C or SIGTERM to this process is passed on as SIGTERM (a terminal's Ctrl+C reaches both: the dashboard stops
        // once either way); this one waits for the dashboard to say how it ended.
        void PassOn(System.Runtime.InteropServices.PosixSignalContext signal)
        {
            signal.Cancel = true;
            Core.Local.PosixProcess.Signal(process.Id, Core.Local.PosixProcess.SigTerm);
        }
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, PassOn);
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, PassOn);
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }
}
