using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary>The dev-environment providers (code, lab, notebook) in a workflows file: their properties and their mistakes.</summary>
public sealed class DevEnvironmentWorkflowTests
{
    private const string File = ".dstack/workflows.yaml";

    [Theory]
    [InlineData("code")]
    [InlineData("lab")]
    [InlineData("notebook")]
    public void Parse_ADevEnvironment_TakesVersionAndTheCommonProperties(string provider)
    {
        var spec = WorkflowLoader.Parse(File, $"""
            workflows:
              - name: ide
                provider: {provider}
                version: 1.10
                setup:
                  - pip list
                requirements: requirements.txt
                python: 3.11
                env:
                  - A=1
                artifacts:
                  - path: notebooks
                    mount: true
                deps:
                  - tag: data
                resources:
                  gpu: 1
                image: python:3.11
                ports: 2
            """).All.ShouldHaveSingleItem();

        spec.Provider.ShouldBe(provider);
        spec.Version.ShouldBe("1.10");
        spec.BeforeRun.ShouldBe(["pip list"]);
        spec.Artifacts.ShouldBe([new ArtifactSpec("notebooks", Mount: true)]);
        spec.Deps.ShouldHaveSingleItem().Name.ShouldBe("data");
        spec.Resources!.Gpu!.Count.ShouldBe(1);
        spec.Image.ShouldBe("python:3.11");
        spec.Ports.ShouldBe(2);
    }

    [Fact]
    public void Parse_ABadPropertyOfANotebook_IsAFileLineError() =>
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, "workflows:\n  - name: ide\n    provider: notebook\n    verison: 6.4\n"))
            .Message.ShouldBe($"{File}:4:5: unknown property 'verison' (did you mean 'version'?)");

    [Fact]
    public void Parse_CommandsOfADevEnvironment_PointAtSetup() =>
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, "workflows:\n  - name: ide\n    provider: lab\n    commands: [python x.py]\n"))
            .Message.ShouldBe($"{File}:4:5: provider 'lab' starts its own server and runs no 'commands'; put what must run first in 'setup'");

    [Fact]
    public void Parse_VersionOfBash_SaysWhichProvidersHaveOne() =>
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, "workflows:\n  - name: t\n    provider: bash\n    commands: [x]\n    version: 2\n"))
            .Message.ShouldBe($"{File}:5:5: 'version' is the server's version for providers code, lab and notebook; provider 'bash' has none");

    [Theory]
    [InlineData("[1]")]
    [InlineData("'1.0; rm -rf /'")]
    [InlineData("latest")]
    public void Parse_AVersionThatIsNotOne_IsAWrongType(string version) =>
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, $"workflows:\n  - name: ide\n    provider: code\n    version: {version}\n"))
            .Message.ShouldStartWith($"{File}:4:14: property 'version' must be a version such as 6.4.12");

    [Fact]
    public void Parse_ADevEnvironmentOnSeveralNodes_IsAnErrorAtNodes()
    {
        Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(File, "workflows:\n  - name: ide\n    provider: notebook\n    nodes: 2\n"))
            .Message.ShouldBe($"{File}:4:5: property 'nodes' is not used by provider 'notebook' (a dev environment is one server on one node)");
    }
}
