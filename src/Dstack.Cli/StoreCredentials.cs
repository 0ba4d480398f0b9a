using System.Runtime.CompilerServices;
using Dstack.Core.Config;
using Dstack.Storage.S3;

namespace Dstack.Cli;

/// <summary>
/// The store's credentials as a runner holds them: what its job must never show. AWS's variables are taken whatever
/// the store (they are credentials wherever they come from); an S3 store adds what its client resolved (a profile's keys).
/// </summary>
public static class StoreCredentials
{
    public static IReadOnlyList<string> Values(DstackConfig config, string? handed)
    {
        var values = Core.Runner.JobEnvironment.CredentialVariables.Select(Environment.GetEnvironmentVariable).OfType<string>().Where(v => v.Length > 0).ToList();
        if (config.IsS3) values.AddRange(ResolvedByS3(config, handed));
        return values.Distinct(StringComparer.Ordinal).ToList();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReadOnlyList<string> ResolvedByS3(DstackConfig config, string? handed) => S3CredentialValues.Of(S3StoreOptions.From(config, handed));
}
