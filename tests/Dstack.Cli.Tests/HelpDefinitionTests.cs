using Dstack.Cli.Verbs;
using Dstack.Core.Errors;
using Dstack.Core.Workflows;

namespace Dstack.Cli.Tests;

/// <summary>Help and parser read one definition: what is parsed is in the help, and what the help lists is parsed.</summary>
public class HelpDefinitionTests
{
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Do not ask");
    private static readonly VerbOption Hidden = new(["--secret-flag"], null, "Not declared by the verb below");
    private static readonly Verb Sample = new("sample", "A verb for this test", (_, _, _) => Task.FromResult(0))
    {
        Usage = ["sample [-y]"],
        Groups = Verb.OptionsGroup(Yes),
    };

    [Fact]
    public void ArgReader_ReadingAnOptionTheVerbDoesNotDeclare_IsABug()
    {
        var reader = new ArgReader(Sample, ["--secret-flag"]);

        Should.Throw<InvalidOperationException>(() => reader.Flag(Hidden)).Message.ShouldContain("does not declare");
    }

    [Fact]
    public void ArgReader_DeclaredFlag_IsTakenByEveryName()
    {
        new ArgReader(Sample, ["--yes"]).Flag(Yes).ShouldBeTrue();
        new ArgReader(Sample, ["-y"]).Flag(Yes).ShouldBeTrue();
    }

    [Fact]
    public void ArgReader_OptionNotDeclared_IsAnErrorNamingTheHelp()
    {
        var error = Should.Throw<DstackException>(() => new ArgReader(Sample, ["--nope"]).Positionals());

        error.Message.ShouldBe("Unknown option '--nope' for 'dstack sample'. See: dstack sample --help");
    }

    [Fact]
    public void LogsHelp_ListsFollow_WhichItsParserTakes()
    {
        Commands.Find("logs")!.Help.ShouldContain("-a, --attach, -f, --follow");
    }

    [Fact]
    public void EveryVerb_ListsEveryNameOfEveryOptionInItsHelp_AndNoNameTwice()
    {
        foreach (var verb in Commands.All)
        {
            var names = verb.Groups.SelectMany(g => g.Options).SelectMany(o => o.Names).ToList();
            names.ShouldBeUnique($"dstack {verb.Name}");
            foreach (var option in verb.Groups.SelectMany(g => g.Options))
                verb.Help.ShouldContain(option.Synopsis, customMessage: $"dstack {verb.Name} --help");
        }
    }

    [Fact]
    public void RunParser_TakesEveryOptionItsHelpLists()
    {
        foreach (var option in Commands.Find("run")!.Groups.SelectMany(g => g.Options))
        foreach (var name in option.Names)
        {
            var value = option.Value switch { null => null, "NAME=VALUE" => "X=1", "DEP" => ":t", "SIZE" => "1GB", "N" => "1", _ => "a" };
            var parsed = RunCommandLine.Parse(value is null ? [name, "wf"] : [name, value, "wf"]);
            parsed.Name.ShouldBe("wf", $"dstack run {name}");
        }
    }

    [Fact]
    public void RunHelp_ListsEveryProviderFlag()
    {
        var help = Commands.Find("run")!.Help;

        foreach (var flag in ProviderFlags.All)
        foreach (var name in flag.Names)
        {
            ProviderFlags.IsFlag(name).ShouldBeTrue(name);
            help.ShouldContain(name);
        }
    }
}
