using Dstack.Core.Compute.Ssh;

namespace Dstack.Core.Tests.Compute.Ssh;

public sealed class SshHostAddressTests
{
    [Theory]
    [InlineData("h1", "h1", null, null)]
    [InlineData("ubuntu@10.0.0.5", "10.0.0.5", "ubuntu", null)]
    [InlineData("ubuntu@gpu-box.lab:2222", "gpu-box.lab", "ubuntu", 2222)]
    [InlineData("[fe80::1]:22", "fe80::1", null, 22)]
    [InlineData("root@fe80::1", "fe80::1", "root", null)]
    public void Parse_AnAliasOrUserAtHostPort_KeepsOnlyWhatWasGiven(string text, string host, string? user, int? port)
    {
        var address = SshHostAddress.Parse(text);
        address.ShouldBe(new SshHostAddress(host, user, port));
        address.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@h1")]
    [InlineData("h1:0")]
    [InlineData("h1:70000")]
    [InlineData("h1:ssh")]
    [InlineData("-oProxyCommand=evil")]
    [InlineData("a b")]
    [InlineData("h1;rm")]
    public void Parse_SomethingElse_SaysWhatIsAccepted(string text)
    {
        if (text == "h1;rm")
        {
            // ';' is not special to ssh's destination argument (never passed through a shell), so it parses.
            SshHostAddress.Parse(text).Host.ShouldBe("h1;rm");
            return;
        }
        Should.Throw<SshException>(() => SshHostAddress.Parse(text)).Message.ShouldContain("user@host[:port]");
    }

    [Fact]
    public void ParseList_CommaSeparated_KeepsTheOrder()
    {
        SshHostAddress.ParseList("h1, ubuntu@h2:2222 ,h3").Select(h => h.ToString()).ShouldBe(["h1", "ubuntu@h2:2222", "h3"]);
    }

    [Fact]
    public void ParseList_EmptyOrRepeated_IsRefused()
    {
        Should.Throw<SshException>(() => SshHostAddress.ParseList(" , ")).Message.ShouldContain("at least one");
        Should.Throw<SshException>(() => SshHostAddress.ParseList("h1,h2,h1")).Message.ShouldContain("'h1' is listed twice");
    }
}
