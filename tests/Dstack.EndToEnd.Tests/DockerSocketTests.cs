using Dstack.Core.Runner;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>The quick question to the local daemon's socket that every container run asks at submit.</summary>
public sealed class DockerSocketTests
{
    [Fact]
    public async Task HasImage_AnswersFromTheDaemon()
    {
        (await DockerSocket.HasImageAsync(DockerImage.Busybox, default)).ShouldBeTrue("scripts/docker-up.sh builds it");
        (await DockerSocket.HasImageAsync("local/no-such-image:1", default)).ShouldBeFalse();
    }
}
