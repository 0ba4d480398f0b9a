namespace Dstack.EndToEnd.Tests.Support;

public static class CliResultAssertions
{
    /// <summary>A refusal: exit 1, one <c>Error: …</c> line on stderr, no stack trace, nothing on stdout.</summary>
    public static void ShouldBeOneErrorLine(this CliResult result, string startingWith)
    {
        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdErr.ShouldStartWith(startingWith, Case.Sensitive, result.ToString());
        result.StdErr.TrimEnd().ShouldNotContain("\n", customMessage: result.ToString());
        result.StdErr.ShouldNotContain("   at ", customMessage: result.ToString());
        result.StdOut.ShouldBeEmpty(result.ToString());
    }
}
