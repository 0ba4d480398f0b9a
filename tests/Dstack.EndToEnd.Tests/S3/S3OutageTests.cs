using System.Diagnostics;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests.S3;

/// <summary>
/// Outages through the fault proxy: a server that takes connections and never answers fails a command within the
/// call deadline; a store that goes away while a job runs loses nothing the job printed.
/// </summary>
public sealed class S3OutageTests
{
    private const string Hello = """
        workflows:
          - name: hello
            provider: bash
            commands:
              - echo hello
        """;

    [Fact]
    public async Task Commands_AgainstAServerThatNeverAnswers_FailWithinTheDeadline_NamingTheEndpoint()
    {
        await using var proxy = new S3Proxy();
        await using var bucket = await S3Bucket.NewAsync(proxy.Url);
        await using var ada = await bucket.NewUserAsync();
        ada.WithWorkflows(Hello).Commit();
        await ada.RunDoneAsync("hello");

        proxy.Silence();
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(
            ada.DstackAsync(["ps", "-a"], timeout: TimeSpan.FromSeconds(120)),
            ada.DstackAsync(["run", "-d", "hello"], timeout: TimeSpan.FromSeconds(120)));
        var took = clock.Elapsed;
        proxy.Restore();

        foreach (var result in results)
            result.ShouldBeOneErrorLine($"Error: Cannot reach S3 at {proxy.Url}: no answer in 30 s. Check the network, and the endpoint with `dstack config`.");
        took.ShouldBeLessThan(TimeSpan.FromSeconds(45), "each command gives up at the call deadline");
        (await bucket.KeysAsync(S3Bucket.RunsPrefix())).Count(k => k.EndsWith("/run.json", StringComparison.Ordinal)).ShouldBe(1, "no run was submitted");
    }
}
