using Dstack.Core.Models;

namespace Dstack.Core.Runs;

/// <summary>
/// Jobs built with a placeholder for <c>${{ run.name }}</c>, so that a restart can put its own name where the
/// workflow names its run. The placeholder is a private-use character pair no workflow or argument contains.
/// </summary>
public static class RunNameTemplate
{
    public const string Placeholder = "\uE000run.name\uE000";

    /// <summary>Whether any job names its run, i.e. whether keeping the templates matters.</summary>
    public static bool IsUsedBy(IEnumerable<JobSpec> templates) =>
        templates.Any(job => Strings(job).Any(s => s?.Contains(Placeholder, StringComparison.Ordinal) == true));

    /// <summary>The job with the placeholder replaced by <paramref name="runName"/> wherever a provider put it.</summary>
    public static JobSpec Render(JobSpec template, string runName)
    {
        string R(string s) => s.Replace(Placeholder, runName, StringComparison.Ordinal);
        return template with
        {
            Commands = template.Commands.Select(R).ToList(),
            Env = template.Env.Select(R).ToList(),
            WorkingDir = R(template.WorkingDir),
            Artifacts = template.Artifacts.Select(a => a with { Path = R(a.Path) }).ToList(),
            Image = template.Image is null ? null : R(template.Image),
            Requirements = template.Requirements is null ? null : R(template.Requirements),
        };
    }

    private static IEnumerable<string?> Strings(JobSpec job) =>
        [.. job.Commands, .. job.Env, job.WorkingDir, .. job.Artifacts.Select(a => a.Path), job.Image, job.Requirements];
}
