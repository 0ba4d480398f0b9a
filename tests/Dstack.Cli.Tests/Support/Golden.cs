using System.Runtime.CompilerServices;

namespace Dstack.Cli.Tests.Support;

/// <summary>
/// Golden files: what the CLI prints, kept in <c>tests/Dstack.Cli.Tests/Golden/NAME.txt</c> and compared byte for byte.
/// A diff is a change to what users read: review it as UX. To accept a change, run the tests with
/// <c>UPDATE_GOLDEN=1</c>, which rewrites the files in the source tree, and commit the diff.
/// </summary>
public static class Golden
{
    public static readonly string Folder = Path.Combine(SourceFolder(), "..", "Golden");

    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") is "1" or "true";

    public static void Check(string name, string actual)
    {
        var path = Path.Combine(Folder, name + ".txt");
        if (Updating)
        {
            File.WriteAllText(path, actual);
            return;
        }
        File.Exists(path).ShouldBeTrue($"No golden file {name}.txt; write it with: UPDATE_GOLDEN=1 dotnet test tests/Dstack.Cli.Tests");
        actual.ShouldBe(File.ReadAllText(path), $"{name}.txt differs from what the CLI prints; if the change is meant, UPDATE_GOLDEN=1 rewrites it");
    }

    // The tests read and write the files where they are committed, not a copy in bin/.
    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
