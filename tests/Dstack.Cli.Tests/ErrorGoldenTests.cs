using Dstack.Cli.Tests.Support;

namespace Dstack.Cli.Tests;

/// <summary>
/// Representative mistakes, each run through the CLI's edge, against <c>Golden/error-NAME.txt</c>: the exit code and
/// both streams, as a user sees them.
/// </summary>
public class ErrorGoldenTests
{
    public static readonly IReadOnlyDictionary<string, string[]> Cases = new Dictionary<string, string[]>
    {
        ["no-command"] = [],
        ["unknown-command"] = ["frobnicate"],
        ["unknown-command-close"] = ["lgos"],
        ["unknown-option"] = ["ps", "--bogus"],
        ["option-needs-value"] = ["logs", "wet-fox-1", "--tail"],
        ["unexpected-argument"] = ["ps", "one", "two"],
        ["logs-bad-tail"] = ["logs", "--tail", "many", "wet-fox-1"],
        ["logs-no-run"] = ["logs"],
        ["run-not-found"] = ["logs", "wet-fox-1"],
        ["run-name-invalid"] = ["logs", "../etc"],
        ["stop-nothing-named"] = ["stop"],
        ["rm-run-and-all"] = ["rm", "-a", "wet-fox-1"],
        ["run-unknown-option"] = ["run", "--bogus", "train"],
        ["run-flag-invalid"] = ["run", "--cpu", "0", "bash", "-c", "true"],
        ["run-no-workflow"] = ["run", "trian"],
        ["tags-unknown-subcommand"] = ["tags", "frob"],
        ["tag-name-invalid"] = ["tags", "add", "v 1", "wet-fox-1"],
        ["secret-name-invalid"] = ["secrets", "add", "1KEY", "value"],
        ["artifacts-nothing-named"] = ["artifacts", "list"],
        ["config-unknown-backend"] = ["config", "--backend", "gcs"],
    };

    private static string Shown(IEnumerable<string> args) => string.Join(' ', args.Select(a => a.Contains(' ') ? $"'{a}'" : a));

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Mistake_PrintsTheGoldenError(string name)
    {
        using var cli = new InProcessCli();

        var (code, stdout, stderr) = await cli.RunAsync(Cases[name]);

        code.ShouldNotBe(0);
        Golden.Check($"error-{name}", $"$ {Shown(["dstack", .. Cases[name]])}\nexit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
    }
}
