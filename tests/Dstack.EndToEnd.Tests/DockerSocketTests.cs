using Dstack.Core.Docker;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>What a container run asks the local daemon: whether the image is here (at submit), and its environment.</summary>
public sealed class DockerSocketTests
{
    [Fact]
    public async Task HasImage_AnswersFromTheDaemon()
    {
        (await DockerSocket.HasImageAsync(DockerImage.Busybox, default)).ShouldBeTrue("scripts/docker-up.sh builds it");
        (await DockerSocket.HasImageAsync("local/no-such-image:1", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task ImageEnvironment_IsTheImagesEnv()
    {
        (await DockerCli.ImageEnvironmentAsync(DockerImage.Busybox, default)).ShouldBe(new Dictionary<string, string> { ["PATH"] = "/bin" });
        (await DockerCli.ImageEnvironmentAsync("local/no-such-image:1", default)).ShouldBeEmpty();
    }
}
