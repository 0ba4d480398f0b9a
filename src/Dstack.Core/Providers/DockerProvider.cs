using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// Runs a Docker image: its commands through a shell in the container, or the image's own command when
/// there are none. The code is mounted at /workflow, the working directory.
/// </summary>
public sealed class DockerProvider : IProvider
{
    public string Name => WorkflowProviders.Docker;

    /// <summary><c>dstack run docker IMAGE [-c 'COMMAND'] [ARGS...]</c>.</summary>
    public (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args)
    {
        string? image = null, command = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-c" or "--command" && i + 1 < args.Count) command = args[++i];
            else if (image is null && !args[i].StartsWith('-')) image = args[i];
            else rest.Add(args[i]);
        }
        if (image is null)
            throw ProviderException.DockerNeedsImage();
        var workflow = new WorkflowSpec
        {
            Name = "docker", Provider = Name, Image = image, Commands = command is null ? [] : [command],
            Location = new SourceLocation("(command line)", 1, 1),
        };
        return (workflow, rest);
    }

    public IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context) => BashProvider.NodeJobs(workflow, context);
}
