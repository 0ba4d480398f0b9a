using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Core.Tests.Runs;

public sealed class RunNameTemplateTests
{
    private static readonly string P = RunNameTemplate.Placeholder;

    [Fact]
    public void Render_PutsTheNameWhereverTheProviderPutThePlaceholder()
    {
        var template = new JobSpec
        {
            Commands = [$"echo {P}", "echo plain"], Env = [$"OUT=/out/{P}"], WorkingDir = $"runs/{P}",
            Artifacts = [new ArtifactRef($"out/{P}", Mount: true)], Requirements = "req.txt",
        };

        var job = RunNameTemplate.Render(template, "wet-fox-2");

        job.Commands.ShouldBe(["echo wet-fox-2", "echo plain"]);
        job.Env.ShouldBe(["OUT=/out/wet-fox-2"]);
        job.WorkingDir.ShouldBe("runs/wet-fox-2");
        job.Artifacts.ShouldBe([new ArtifactRef("out/wet-fox-2", Mount: true)]);
        job.Requirements.ShouldBe("req.txt");
    }

    [Fact]
    public void IsUsedBy_OnlyJobsThatNameTheirRun()
    {
        RunNameTemplate.IsUsedBy([new JobSpec { Commands = ["echo hi"] }]).ShouldBeFalse();
        RunNameTemplate.IsUsedBy([new JobSpec { Commands = ["echo hi"], Artifacts = [new ArtifactRef($"x/{P}")] }]).ShouldBeTrue();
    }
}
