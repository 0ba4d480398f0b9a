using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Dstack.Cli.Tests;

/// <summary>
/// Every sentence a user can see is built by a static factory on its area's exception type (<c>UsageException</c>,
/// <c>RunException</c>, <c>TagException</c>, …), so wording stays consistent and copies cannot drift apart.
/// </summary>
public class SentenceFactoryTests
{
    private static readonly string Src = Path.GetFullPath(Path.Combine(Folder(), "..", "..", "src"));

    [Fact]
    public void NoSourceFile_ThrowsADstackExceptionBuiltInline()
    {
        var inline = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Src, f), Line: i + 1, Text: line)))
            .Where(l => Regex.IsMatch(l.Text, @"new\s+((Core\.)?Errors\.)?DstackException\s*\("))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        inline.ShouldBeEmpty("add a factory to the area's exception type instead");
    }

    [Fact]
    public void Factories_OfOneArea_KeepTheirWording()
    {
        UsageException.RunOrAll("stop").Message.ShouldBe("Name a run or use --all: dstack stop RUN, or dstack stop -a.");
        Core.Compute.SubmitRefusal.TooBig("needs 4 GPUs; this machine has 2").Sentence
            .ShouldBe("Needs 4 GPUs; this machine has 2. Lower the request in `resources`, or run it where that fits.");
        Core.Runs.RunException.NoWorkflowOrProvider("trian", "train", ["train", "eval"]).Message
            .ShouldBe("No workflow or provider 'trian' (did you mean 'train'?). Workflows: train, eval.");
        Core.Runs.RunException.NeverStored("wet-fox-1", new Core.Models.RepoRef("me", "repo")).Message
            .ShouldBe("Run 'wet-fox-1' was never stored in me/repo; nothing to run.");
        Core.Models.TerminationReasonExtensions.Describe(Core.Models.TerminationReason.RunnerLost, null, Core.Compute.RunnerCheck.HostUnreachable("h1").CannotTell)
            .ShouldBe("runner lost (host h1 unreachable)");
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
