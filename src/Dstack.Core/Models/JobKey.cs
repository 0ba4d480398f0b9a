namespace Dstack.Core.Models;

/// <summary>A job's name on the machine that runs it: its working copy, its place in the queue, its container.</summary>
public static class JobKey
{
    public static string Of(RepoRef repo, string run, int job) => $"{repo.Owner}.{repo.Name}.{run}.{job}";
}
