using Dstack.Core.Workflows;

namespace Dstack.Cli.Verbs;

public static class SchemaVerb
{
    public static readonly Verb Verb = new("schema", "Print the JSON Schema of .dstack/workflows.yaml for editors", Run)
    {
        Usage = ["schema"],
        About = "Prints the JSON Schema of the workflow files. For VS Code's YAML extension:\n" +
                "  dstack schema > .dstack/schema.json\n  and add `# yaml-language-server: $schema=./schema.json` at the top of .dstack/workflows.yaml",
    };

    private static Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        new ArgReader(Verb, args).Positionals(0);
        ctx.Out.WriteLine(WorkflowSchema.Json);
        return Task.FromResult(0);
    }
}
