using Dstack.Core.Workflows;

namespace Dstack.Core.Tests.Workflows;

/// <summary>
/// Each <c>Golden/NAME.yaml</c>, loaded as <c>.dstack/workflows.yaml</c>, must fail with exactly the message in
/// <c>Golden/NAME.expected.txt</c>. A diff here is a change to what users read: review it as UX.
/// </summary>
public class WorkflowErrorGoldenTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Workflows", "Golden");

    public static TheoryData<string> Cases() =>
        new(Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()!);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_InvalidFile_FailsWithTheGoldenMessage(string name)
    {
        var yaml = File.ReadAllText(Path.Combine(Folder, name + ".yaml"));
        var expected = File.ReadAllText(Path.Combine(Folder, name + ".expected.txt")).TrimEnd('\n', '\r');

        var error = Should.Throw<WorkflowException>(() => WorkflowLoader.Parse(".dstack/workflows.yaml", yaml));

        error.Message.ShouldBe(expected);
    }

    [Fact]
    public void Golden_Folder_HasAtLeastTwentyCasesEachWithAnExpectedMessage()
    {
        var cases = Directory.EnumerateFiles(Folder, "*.yaml").ToList();

        cases.Count.ShouldBeGreaterThanOrEqualTo(20);
        cases.ShouldAllBe(yaml => File.Exists(Path.ChangeExtension(yaml, ".expected.txt")));
    }
}
