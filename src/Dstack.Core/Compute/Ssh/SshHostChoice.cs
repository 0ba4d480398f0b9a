using Dstack.Core.Models;

namespace Dstack.Core.Compute.Ssh;

/// <summary>
/// Which hosts of a target may take a job, in the order they are tried. A host may take it when it answered the probe,
/// its capacity fits the request, it has what the job runs with (Docker for an image, the asked <c>python</c>) and it sees
/// the store (a local folder must be visible there). First come the hosts where the job starts <em>now</em>
/// (<see cref="HostLoad.FitsNow"/>), in the target's order; then the others by the fewest jobs waiting in their ledger
/// (ties: the target's order), where the host's own ledger queues it until it fits.
/// </summary>
public static class SshHostChoice
{
    public static IReadOnlyList<T> Candidates<T>(IEnumerable<T> hosts, Func<T, HostFacts> facts, RunnerTarget job, bool localStore)
    {
        var able = hosts.Where(h => Lacks(facts(h), job.Resources, job.Image, job.Python, localStore) is null).ToList();
        var now = able.Where(h => LoadOf(facts(h)).FitsNow(job.Resources, facts(h).Capacity)).ToList();
        return [.. now, .. able.Except(now).OrderBy(h => LoadOf(facts(h)).Waiting)];
    }

    /// <summary>
    /// Null when one host (named as the target names it) has all the job needs. Else: no host has Docker for its image (or
    /// each says why its Docker cannot run containers); the
    /// request fits no host (naming the largest) or no host has its Python (<see cref="SubmitCheck"/>); or each host lacks
    /// something, and the refusal says what.
    /// </summary>
    public static SubmitRefusal? WhyNone(IReadOnlyList<(string Name, HostFacts Facts)> hosts, ComputeCapabilities capabilities, JobSpec job,
        string target, bool localStore)
    {
        var lacks = hosts.Select(h => (h.Name, Why: Lacks(h.Facts with { Capacity = h.Facts.Capacity with { Description = h.Name } },
            job.Resources, job.Image, job.Python, localStore))).ToList();
        var noneHasAll = SubmitRefusal.NoHostHasAll(target, lacks.Select(l => $"{l.Name}: {l.Why}"));
        // A host whose docker CLI is there but cannot run containers is named with why, not told to install Docker.
        if (job.Image is { } image && !capabilities.Docker)
            return hosts.All(h => h.Facts.DockerUnusable is null) ? SubmitRefusal.NoDockerOnHosts(target, image) : noneHasAll;
        if (SubmitCheck.WhyNot(job, capabilities, target) is { } refusal) return refusal;
        return lacks.Any(l => l.Why is null) ? null : noneHasAll;
    }

    /// <summary>
    /// Where a multi-node run's <paramref name="nodes"/> nodes go, in rank order: distinct hosts, those where a node starts
    /// now first (<see cref="Candidates"/>); a node placed where it does not fit now waits in that host's queue, and the
    /// others wait for it before their commands start. Empty when fewer than <paramref name="nodes"/> hosts may take one.
    /// </summary>
    public static IReadOnlyList<T> Gang<T>(IEnumerable<T> hosts, Func<T, HostFacts> facts, RunnerTarget job, bool localStore) =>
        Candidates(hosts, facts, job, localStore) is { } able && able.Count >= job.Nodes ? able.Take(job.Nodes).ToList() : [];

    /// <summary>
    /// Null when the target has <see cref="JobSpec.Nodes"/> distinct hosts that could each hold one node; else the
    /// refusal saying how many it has and what the others lack.
    /// </summary>
    public static SubmitRefusal? WhyNoGang(IReadOnlyList<(string Name, HostFacts Facts)> hosts, JobSpec job, string target, bool localStore)
    {
        var lacks = hosts.Select(h => (h.Name, Why: Lacks(h.Facts with { Capacity = h.Facts.Capacity with { Description = h.Name } },
            job.Resources, job.Image, job.Python, localStore))).ToList();
        var fit = lacks.Count(l => l.Why is null);
        return fit >= job.Nodes ? null
            : SubmitRefusal.TooFewHosts(target, fit, job.Resources, job.Nodes, lacks.Where(l => l.Why is not null).Select(l => $"{l.Name}: {l.Why}").ToList());
    }

    /// <summary>What keeps <paramref name="host"/> from ever taking the job, or null.</summary>
    public static string? Lacks(HostFacts host, JobResources? request, string? image, string? python, bool localStore)
    {
        if (localStore && host.StoreVisible != true) return "does not see the local store folder";
        if (ResourceFit.WhyNever(request, host.Capacity) is { } never) return never;
        if (image is not null && !host.Docker) return SubmitRefusal.HostLacksDocker(image, host.DockerUnusable);
        if (image is null && python is { } p && !host.Pythons.Any(v => SubmitCheck.PythonMatches(p, v)))
            return $"no Python {p} (installed: {SubmitCheck.DescribePythons(host.Pythons)})";
        return null;
    }

    private static HostLoad LoadOf(HostFacts facts) => facts.Load ?? HostLoad.Idle;
}
