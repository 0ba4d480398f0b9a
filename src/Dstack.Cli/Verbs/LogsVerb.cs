namespace Dstack.Cli.Verbs;

public static class LogsVerb
{
    private static readonly VerbOption Attach = new(["-a", "--attach", "-f", "--follow"], null, "Keep following the logs until the run ends");
    private static readonly VerbOption SinceOption = new(["-s", "--since"], "SINCE", "Only logs newer than SINCE: 30s, 5m, 2h, 1d, or an ISO time");
    private static readonly VerbOption Tail = new(["-n", "--tail"], "N", "Only the last N lines (of each job); with -a, then keep following");
    private static readonly VerbOption Node = new(["--node"], "K", "Only node K of a multi-node run (else every node's, each line prefixed with its rank)");

    public static readonly Verb Verb = new("logs", "Show the logs of a run", Run)
    {
        Usage = ["logs [-a] [-s SINCE] [--tail N] [--node K] RUN"],
        Groups = Verb.OptionsGroup(Attach, SinceOption, Tail, Node),
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var reader = new ArgReader(Verb, args);
        var follow = reader.Flag(Attach);
        var since = reader.Option(SinceOption) is { } s ? Since.Parse(s, ctx.Time.GetUtcNow()) : (DateTimeOffset?)null;
        var tail = reader.Option(Tail) is { } n ? ParseTail(n) : (int?)null;
        var node = reader.Option(Node) is { } k ? ParseNode(k) : (int?)null;
        var positionals = reader.Positionals(1);
        if (positionals.Count == 0) throw UsageException.LogsNeedsRun();
        var run = await ctx.FindRunAsync(positionals[0], ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        // Re-attached: a job's ports on another host are forwarded here while this follows it, as `dstack run` does.
        await using var forwards = new JobPortForwards(ctx, run);
        async Task ForwardAsync(Core.Runs.RunView view, CancellationToken token)
        {
            foreach (var line in await forwards.UpdateAsync(view, token)) ctx.Err.WriteLine(Output.Ansi.Grey(line));
        }
        try
        {
            await new LogFollower(ctx, ctx.Output.OutBytes, node).RunAsync(run, since, follow, cts.Token, follow ? ForwardAsync : null, tail);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return 130; // Ctrl+C while following: quiet exit, the run goes on
        }
        return 0;
    }

    private static int ParseNode(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k)
            ? k : throw LogsException.BadNode(value);

    private static int ParseTail(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw LogsException.BadTail(value);
}
