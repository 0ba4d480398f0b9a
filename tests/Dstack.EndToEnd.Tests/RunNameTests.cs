using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

public sealed class RunNameTests
{
    [Fact]
    public async Task Run_SixDetachedRunsStartedAtOnce_GetDistinctNamesLikeWetMangust1()
    {
        await using var sandbox = new Sandbox().WithWorkflows("""
            workflows:
              - name: hello
                provider: bash
                commands: [echo "I am $RUN_NAME"]
            """).Commit();

        var names = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => sandbox.RunDetachedAsync("hello")));

        names.ShouldAllBe(name => System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z]+-[a-z]+-[0-9]+$"));
        names.Distinct().Count().ShouldBe(6, string.Join(", ", names));
        foreach (var name in names)
        {
            (await sandbox.WaitFinishedAsync(name)).Status.ShouldBe("Done");
            (await sandbox.DstackAsync("logs", name)).StdOut.ShouldBe($"I am {name}\n");
        }
        (await sandbox.PsAsync("-a")).Select(r => r.Run).ShouldBe(names, ignoreOrder: true);
    }
}
