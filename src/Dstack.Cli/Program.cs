using Dstack.Cli;
using Dstack.Cli.Verbs;
using Dstack.Core.Errors;

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
var debug = Environment.GetEnvironmentVariable("DSTACK_DEBUG") is "1" or "true";
var rest = args.ToList();
while (rest.Count > 0 && rest[0] == "--debug") { debug = true; rest.RemoveAt(0); }

if (rest.Count == 0)
{
    stderr.Write(Commands.Usage);
    return 1;
}
if (rest[0] is "-h" or "--help" or "help")
{
    stdout.Write(rest.Count > 1 && Commands.Find(rest[1]) is { } v ? v.Help : Commands.Usage);
    return 0;
}
if (rest[0] is "-v" or "--version")
{
    stdout.WriteLine($"dstack {typeof(Commands).Assembly.GetName().Version?.ToString(3)}");
    return 0;
}

try
{
    var verb = Commands.Find(rest[0]) ?? throw Commands.Unknown(rest[0]);
    var verbArgs = rest.Skip(1).ToList();
    if (verbArgs.Count > 0 && verbArgs[0] is "-h" or "--help" || verb.Name != "run" && verbArgs.Contains("--help"))
    {
        stdout.Write(verb.Help);
        return 0;
    }
    var context = new CliContext(Environment.CurrentDirectory, stdout, stderr);
    return await verb.Run(context, verbArgs, CancellationToken.None);
}
catch (DstackException e)
{
    stderr.WriteLine($"Error: {e.Message}");
    if (debug) stderr.WriteLine(e);
    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception e)
{
    stderr.WriteLine($"Error: {e.Message}");
    stderr.WriteLine(debug ? e.ToString() : "This is a bug in dstack; run again with --debug for details.");
    return 1;
}
