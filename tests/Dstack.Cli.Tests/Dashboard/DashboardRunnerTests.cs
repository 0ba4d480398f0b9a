namespace Dstack.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard restarts runs in its own executable, which has no runner: the runner it starts is the dstack
/// published beside it (a restart started <c>dstack-dashboard</c> as the runner, and the run failed at once).
/// </summary>
public sealed class DashboardRunnerTests
{
    [Theory]
    [InlineData("/opt/dstack/dstack-dashboard", "/opt/dstack/dstack")]
    [InlineData("/opt/dstack/dstack", "/opt/dstack/dstack")]
    [InlineData("/usr/share/dotnet/dotnet", "/usr/share/dotnet/dotnet")]
    public void TheRunnerStarted_IsTheDstackOfTheBuild(string process, string dstack) =>
        CliContext.DstackExecutable(process).ShouldBe(dstack);
}
