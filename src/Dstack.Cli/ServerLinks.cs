using Dstack.Core.Models;
using Dstack.Core.Runs;

namespace Dstack.Cli;

/// <summary>
/// The links of a run's dev environments (code, lab, notebook) whose servers answer: on the job's first port as the
/// user reaches it, here through this CLI's forward when it has one, else where the compute says.
/// </summary>
public static class ServerLinks
{
    /// <summary>One link per running job whose server answers, e.g. <c>http://127.0.0.1:8000/tree?token=…</c>, with its password if it asks for one.</summary>
    public static IReadOnlyList<ServerLink> Of(RunRecord run, RunView view, JobPortForwards? forwards)
    {
        var links = new List<ServerLink>();
        foreach (var (job, state) in Serving(view))
        {
            var url = forwards?.LocalUrl(job, state.Ports[0]) ?? state.PortUrls.FirstOrDefault();
            if (state.LinkAt(url) is { } link) links.Add(new ServerLink(link, state.Password));
        }
        return links;
    }

    /// <summary>The running jobs (index and state) whose dev-environment server answers on their first port.</summary>
    public static IEnumerable<(int Job, JobState State)> Serving(RunView view) =>
        view.Jobs.Select((state, i) => (view.Run.Jobs[i].Index, state))
            .Where(j => j.state is { Status: JobStatus.Running, Link: not null, Ports.Count: > 0 });
}
