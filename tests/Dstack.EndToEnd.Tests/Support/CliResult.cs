using System.Text.RegularExpressions;

namespace Dstack.EndToEnd.Tests.Support;

public sealed partial record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The run named by the "NAME submitted." line an attached <c>dstack run</c> or <c>restart</c> prints on stderr.</summary>
    public string SubmittedRun => FindSubmittedRun(StdErr) ?? throw new InvalidOperationException($"No 'submitted' line in: {this}");

    public static string? FindSubmittedRun(string stderr) => Submitted().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null;

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";

    [GeneratedRegex(@"^(\S+) submitted\.", RegexOptions.Multiline)]
    private static partial Regex Submitted();
}
