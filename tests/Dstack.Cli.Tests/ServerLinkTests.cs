namespace Dstack.Cli.Tests;

/// <summary>What the attached CLI and <c>dstack attach</c> print for a dev environment's link.</summary>
public sealed class ServerLinkTests
{
    [Fact]
    public void ALinkWithItsToken_IsOneLine() =>
        new ServerLink("http://127.0.0.1:8888/tree?token=abc", null).Lines().ShouldBe(["Open http://127.0.0.1:8888/tree?token=abc"]);

    [Fact]
    public void ALoginPageLink_IsFollowedByItsPassword() =>
        new ServerLink("http://127.0.0.1:8080/", "abc").Lines().ShouldBe(["Open http://127.0.0.1:8080/", "Password: abc"]);
}
