using Dstack.Core.Workflows;
using Dstack.EndToEnd.Tests.Support;

namespace Dstack.EndToEnd.Tests;

/// <summary>
/// <c>${{ run.args }}</c> wherever it sits in a command, with arguments that would run <c>touch pwned</c> if spliced into
/// the script as text: on the host with bash, and in a container with busybox sh.
/// </summary>
public sealed class RunArgsTests
{
    private static readonly string[] Hostile =
    [
        "\"; touch pwned; \"", "$(touch pwned)", "`touch pwned`", "'; touch pwned; '", "'\"$(touch pwned)\"'", "\\\"; touch pwned; #",
        "; touch pwned", "&& touch pwned", "| touch pwned", "> pwned", "name=$(touch pwned)", "a[$(touch pwned)]", "line1\ntouch pwned",
        "${IFS}x$((1+1))", "$HOME ~ *", "a b", "", "\\", "'", "\"", "}", ")", "`", "ä ö",
    ];

    private static string Workflows(string provider) => $$$"""
        workflows:
          - name: args
            provider: {{{provider}}}
            image: {{{DockerImage.Busybox}}}
            commands:
              - printf 'bare:'; printf '<%s>' ${{ run.args }}; echo
              - printf '%s\n' "double:${{ run.args }}"
              - printf '%s\n' 'single:${{ run.args }}'
              - printf '%s\n' "subst:$(printf '<%s>' ${{ run.args }})"
              - printf '%s\n' "ticks:`printf '<%s>' ${{ run.args }}`"
              - printf 'nested:'; sh -c 'printf "<%s>" ${{ run.args }}'; echo
              - if [ -e pwned ]; then echo EXECUTED; fi
        """;

    private static string Expected(IReadOnlyList<string> args)
    {
        var tokens = string.Concat(args.Select(a => $"<{a}>"));
        var text = ShellQuote.Join(args);
        return $"bare:{tokens}\ndouble:{text}\nsingle:{text}\nsubst:{tokens}\nticks:{tokens}\nnested:{tokens}\n";
    }

    [Fact]
    public async Task HostileArgs_OnTheHost_RunNothing_AndArriveAsTheyWereTyped()
    {
        // A host job: the same workflow without the image.
        await using var sandbox = new Sandbox().WithWorkflows(Workflows("bash").Replace($"    image: {DockerImage.Busybox}\n", "")).Commit();

        var result = await sandbox.DstackAsync(["run", "args", .. Hostile]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe(Expected(Hostile));
    }

    [Fact]
    public async Task HostileArgs_InAContainerWithBusyboxSh_RunNothing_AndArriveAsTheyWereTyped()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows("docker")).Commit();

        var result = await sandbox.DstackAsync(["run", "args", .. Hostile]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StdOut.ShouldBe(Expected(Hostile));
    }

    [Fact]
    public async Task EachHostileArgAlone_OnTheHost_RunsNothing()
    {
        await using var sandbox = new Sandbox().WithWorkflows(Workflows("bash").Replace($"    image: {DockerImage.Busybox}\n", "")).Commit();

        foreach (var arg in Hostile)
        {
            var result = await sandbox.DstackAsync("run", "args", arg);

            result.ExitCode.ShouldBe(0, result.ToString());
            result.StdOut.ShouldBe(Expected([arg]), arg);
        }
    }
}
