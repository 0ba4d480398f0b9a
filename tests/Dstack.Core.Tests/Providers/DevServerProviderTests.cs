using Dstack.Core.Models;
using Dstack.Core.Providers;
using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Providers;

/// <summary>The jobs the dev-environment providers build: setup first, then the server on PORT_0 with the runner's token.</summary>
public sealed class DevServerProviderTests
{
    private static JobSpec Build(IProvider provider, string? image = null, string? version = null, int ports = 0) =>
        provider.BuildJobs(new WorkflowSpec
        {
            Name = "ide", Provider = provider.Name, BeforeRun = ["echo setup"], Image = image, Version = version, Ports = ports,
            Location = new SourceLocation("f", 1, 1),
        }, new ProviderContext("r", [], new Dictionary<string, string>())).ShouldHaveSingleItem();

    [Fact]
    public void Notebook_RunsSetupThenTheNotebookOnPort0_WithTheRunnersToken_AndItsTreeLink()
    {
        var job = Build(JupyterProvider.Notebook());

        job.Commands[0].ShouldBe("echo setup");
        job.Commands[^1].ShouldBe("exec $dstack_jupyter --no-browser --ip=\"$dstack_host\" --port=\"$PORT_0\" --port-retries=0 " +
                                  "--NotebookApp.token=\"$DSTACK_SERVER_TOKEN\" --notebook-dir=\"$PWD\"");
        job.Commands[1].ShouldStartWith("case \"${HOSTNAME:-127.0.0.1}\" in 127.*|localhost)");
        job.Commands[2].ShouldContain("command -v jupyter-notebook");
        job.Commands[2].ShouldContain("[ \"$(id -u)\" != 0 ] || dstack_jupyter=\"$dstack_jupyter --allow-root\"");
        job.Ports.ShouldBe(1);
        job.ServerLink.ShouldBe("/tree?token={token}");
    }

    [Fact]
    public void Lab_InAContainer_ListensOnEveryInterface_AndPinsTheVersionItInstalls()
    {
        var job = Build(JupyterProvider.Lab(), image: "python:3.11", version: "4.0.1", ports: 3);

        job.Commands[^1].ShouldBe("exec $dstack_jupyter --no-browser --ip=0.0.0.0 --port=\"$PORT_0\" --port-retries=0 " +
                                  "--ServerApp.token=\"$DSTACK_SERVER_TOKEN\" --notebook-dir=\"$PWD\"");
        job.Commands[2].ShouldContain("python3 -m pip install --disable-pip-version-check --no-input --retries 1 --timeout 15 jupyterlab==4.0.1 ||");
        job.Ports.ShouldBe(3);
        job.ServerLink.ShouldBe("/lab?token={token}");
    }

    [Fact]
    public void Code_LinksWithItsConnectionToken_OrToItsLoginPage_WhenTheServerAsksForAPassword()
    {
        var job = Build(new CodeProvider());
        job.ServerLink.ShouldBe("/?tkn={token}");
        job.ServerLoginLink.ShouldBe("/");
    }

    [Fact]
    public void Jupyter_HasNoLoginLink_ItsLinkCarriesTheToken() =>
        Build(JupyterProvider.Notebook()).ServerLoginLink.ShouldBeNull();

    [Theory]
    [InlineData("notebook")]
    [InlineData("lab")]
    [InlineData("code")]
    public void NoJob_HoldsAToken(string name)
    {
        IProvider provider = name switch { "notebook" => JupyterProvider.Notebook(), "lab" => JupyterProvider.Lab(), _ => new CodeProvider() };

        var job = Build(provider);

        job.Env.ShouldNotContain(e => e.StartsWith("DSTACK_SERVER_TOKEN", StringComparison.Ordinal));
        job.Commands.ShouldAllBe(c => !c.Contains("DSTACK_SERVER_TOKEN=", StringComparison.Ordinal));
    }

    [Fact]
    public void FromArgs_IsTheProviderWithOnePort_AndPassesTheArgs()
    {
        var (workflow, args) = JupyterProvider.Notebook().FromArgs(["--x"]);

        workflow.Provider.ShouldBe("notebook");
        workflow.Ports.ShouldBe(1);
        args.ShouldBe(["--x"]);
    }
}
