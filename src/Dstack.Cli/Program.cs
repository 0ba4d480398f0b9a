using Dstack.Cli;
using Dstack.Cli.Output;

return await CliApp.RunAsync(args, new CliContext(Environment.CurrentDirectory, CliOutput.ForConsole()), CancellationToken.None);
