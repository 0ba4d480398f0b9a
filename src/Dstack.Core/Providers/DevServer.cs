using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// What the dev-environment providers share: a job like bash's whose last command starts a server on <c>PORT_0</c>,
/// bound for the job's host (all interfaces in a container, whose port Docker publishes on the host's loopback), in
/// the working directory, with the token the runner generates (<c>DSTACK_SERVER_TOKEN</c>, never in the spec).
/// </summary>
internal static class DevServer
{
    public const string TokenVariable = JobSpec.ServerTokenVariable;

    /// <summary><c>dstack run notebook [ARGS]</c>: the provider with no workflow file.</summary>
    public static (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(string provider, IReadOnlyList<string> args) =>
        (new WorkflowSpec { Name = provider, Provider = provider, Ports = 1, Location = new SourceLocation("(command line)", 1, 1) }, args);

    /// <summary>
    /// Where the server listens, into <c>dstack_host</c>: loopback when that is the job's host; on another host (SSH, Slurm)
    /// every interface, so that both its URL there and a CLI's forward to that host's loopback reach it (the token guards it).
    /// </summary>
    private const string PickHost = """case "${HOSTNAME:-127.0.0.1}" in 127.*|localhost) dstack_host=${HOSTNAME:-127.0.0.1} ;; *) dstack_host=0.0.0.0 ;; esac""";

    /// <summary>The job: <c>setup</c> (and the run's python and requirements) first, then <paramref name="server"/>.</summary>
    public static IReadOnlyList<JobSpec> Jobs(WorkflowSpec workflow, ProviderContext context, IReadOnlyList<string> server, string link, string? loginLink = null)
    {
        var job = BashProvider.NodeJobs(workflow with { Commands = [], Nodes = 1 }, context)[0];
        return [job with { Commands = [.. job.Commands, PickHost, .. server], Ports = Math.Max(1, job.Ports), ServerLink = link, ServerLoginLink = loginLink }];
    }

    /// <summary>Where the server listens: as <see cref="PickHost"/> chose, or every interface of the container.</summary>
    public static string Host(WorkflowSpec workflow) => workflow.Image is null ? "\"$dstack_host\"" : "0.0.0.0";
}
