using Dstack.Dashboard;

namespace Dstack.Cli.Tests.Dashboard;

public class AnsiHtmlTests
{
    [Fact]
    public void AScriptTag_IsEncoded_AsText()
    {
        AnsiHtml.Convert("<script>alert(1)</script> & \"x\"").ShouldBe("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;");
    }

    [Fact]
    public void Colours_BecomeSpans_AndAreClosedByAResetOrTheLineEnd()
    {
        AnsiHtml.Convert("\u001b[31mred\u001b[0m plain \u001b[1;32mbold green").ShouldBe("<span class=\"f31\">red</span> plain <span class=\"b f32\">bold green</span>");
    }

    [Fact]
    public void OtherEscapes_AndExtendedColours_AreDropped_NotShown()
    {
        AnsiHtml.Convert("a\u001b[2Kb\u001b[38;5;200mc\u001b[0m\u001b").ShouldBe("abc");
    }

    [Fact]
    public void ATagInsideAColour_IsStillEncoded()
    {
        AnsiHtml.Convert("\u001b[33m<img src=x onerror=alert(1)>").ShouldBe("<span class=\"f33\">&lt;img src=x onerror=alert(1)&gt;</span>");
    }
}
