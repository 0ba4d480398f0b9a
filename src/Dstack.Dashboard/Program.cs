using Dstack.Cli;
using Dstack.Cli.Output;
using Dstack.Core.Errors;
using Dstack.Dashboard;

// Started by `dstack dashboard` with its arguments; the same edge as the CLI's: `Error: …` and exit 1.
var ctx = new CliContext(Environment.CurrentDirectory, CliOutput.ForConsole());
try
{
    return await DashboardServe.RunAsync(ctx, args, CancellationToken.None);
}
catch (DstackException e)
{
    ctx.Output.Error(e.Message);
    return 1;
}
