using Dstack.Cli.Verbs;
using Dstack.Core.Errors;

namespace Dstack.Cli;

/// <summary>
/// The CLI's edge: global options, help, the verb, and the one catch-all that turns an error into <c>Error: …</c> and
/// exit code 1 (130 on Ctrl+C). Everything goes through the context's <see cref="Output.CliOutput"/>.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext ctx, CancellationToken ct)
    {
        var output = ctx.Output;
        var debug = Environment.GetEnvironmentVariable("DSTACK_DEBUG") is "1" or "true";
        var rest = args.ToList();
        while (rest.Count > 0 && Commands.Debug.Names.Contains(rest[0])) { debug = true; rest.RemoveAt(0); }
        ctx.Debug = debug;

        if (rest.Count == 0)
        {
            output.Err.Write(Commands.Usage);
            return 1;
        }
        if (Commands.Help.Names.Contains(rest[0]) || rest[0] == "help")
        {
            output.Out.Write(rest.Count > 1 && Commands.Find(rest[1]) is { } v ? v.Help : Commands.Usage);
            return 0;
        }
        if (Commands.Version.Names.Contains(rest[0]))
        {
            output.Out.WriteLine($"dstack {typeof(Commands).Assembly.GetName().Version?.ToString(3)}");
            return 0;
        }

        try
        {
            var verb = Commands.Find(rest[0]) ?? throw Commands.Unknown(rest[0]);
            var verbArgs = rest.Skip(1).ToList();
            // run takes -h after WORKFLOW itself; other verbs answer --help anywhere.
            if (verbArgs.Count > 0 && VerbOption.ShowHelp.Names.Contains(verbArgs[0]) || verb.Name != "run" && verbArgs.Contains("--help"))
            {
                output.Out.Write(verb.Help);
                return 0;
            }
            return await verb.Run(ctx, verbArgs, ct);
        }
        catch (DstackException e)
        {
            output.Error(e.Message);
            if (debug) output.Err.WriteLine(e);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception e)
        {
            output.Error(e.Message);
            output.Err.WriteLine(debug ? e.ToString() : "This is a bug in dstack; run again with --debug for details.");
            return 1;
        }
    }
}
