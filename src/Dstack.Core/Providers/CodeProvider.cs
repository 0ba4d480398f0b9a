using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// <c>code</c>: VS Code in the browser. The server is <c>$DSTACK_CODE_SERVER</c> (a path, e.g. from the workflow's
/// <c>env</c>), else <c>openvscode-server</c> or <c>code-server</c> on PATH, else openvscode-server <c>version</c>
/// downloaded once into <c>~/.cache/dstack</c>. It runs in the job's process group, so a stop ends its helpers too.
/// openvscode-server's link carries the token (<c>/?tkn=…</c>); code-server's is its root, and the token its password.
/// </summary>
public sealed class CodeProvider : IProvider
{
    /// <summary>The original's pinned openvscode-server.</summary>
    public const string DefaultVersion = "1.74.3";

    public string Name => WorkflowProviders.Code;

    public (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args) => DevServer.FromArgs(Name, args);

    public IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context) =>
        DevServer.Jobs(workflow, context, [Find(workflow.Version ?? DefaultVersion), Start(workflow)], "/?tkn={token}", LoginLink);

    /// <summary>
    /// code-server ignores VS Code's connection token: its root sends a visitor to its login page, whose password is the
    /// token (shown beside the link). It opens the working copy, given on its command line.
    /// </summary>
    public const string LoginLink = "/";

    private static string Find(string version)
    {
        const string why = "\u0001";
        var parts = ProviderException.CodeServerNotDownloaded(version, why).Split(why);
        var release = $"openvscode-server-v{version}";
        return $$"""
            dstack_code=${DSTACK_CODE_SERVER:-}
            [ -n "$dstack_code" ] || dstack_code=$(command -v openvscode-server || command -v code-server || true)
            if [ -z "$dstack_code" ]; then
              dstack_cache="${XDG_CACHE_HOME:-$HOME/.cache}/dstack/{{release}}"
              if [ ! -x "$dstack_cache/bin/openvscode-server" ]; then
                echo "dstack: downloading openvscode-server {{version}}"
                rm -rf "$dstack_cache.part" && mkdir -p "$dstack_cache.part"
                dstack_arch=$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
                if ! dstack_why=$(set -o pipefail; { curl -fsSL --retry 1 --connect-timeout 15 "https://github.com/gitpod-io/openvscode-server/releases/download/{{release}}/{{release}}-linux-$dstack_arch.tar.gz" | tar -xz --strip-components=1 -C "$dstack_cache.part"; } 2>&1); then
                  dstack_why=$(printf '%s' "${dstack_why:-no answer}" | head -n 1)
                  echo {{ShellQuote.Quote(parts[0])}}"$dstack_why"{{ShellQuote.Quote(parts[1])}} >&2
                  exit 1
                fi
                mv "$dstack_cache.part" "$dstack_cache"
              fi
              dstack_code="$dstack_cache/bin/openvscode-server"
            fi
            """;
    }

    /// <summary>
    /// openvscode-server takes the token as its connection token (<c>?tkn=</c>); code-server as its password, with a
    /// state folder of its own so that runs never share one.
    /// </summary>
    private static string Start(WorkflowSpec workflow)
    {
        var host = DevServer.Host(workflow);
        return $$"""
            echo "dstack: starting $dstack_code"
            case "$(basename "$dstack_code")" in
              code-server*) dstack_state=$(mktemp -d "${TMPDIR:-/tmp}/dstack-code-server.XXXXXX")
                PASSWORD="${{DevServer.TokenVariable}}" exec "$dstack_code" --auth password --bind-addr {{host}}:"$PORT_0" --disable-telemetry --disable-update-check --user-data-dir "$dstack_state/data" --extensions-dir "$dstack_state/extensions" "$PWD" ;;
              *) exec "$dstack_code" --host {{host}} --port "$PORT_0" --connection-token "${{DevServer.TokenVariable}}" --default-folder "$PWD" --telemetry-level off ;;
            esac
            """;
    }
}
