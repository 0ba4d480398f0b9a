using Dstack.Core.Models;
using Dstack.Core.Workflows;

namespace Dstack.Core.Providers;

/// <summary>
/// <c>notebook</c> (the classic Jupyter Notebook) and <c>lab</c> (JupyterLab): the installed one is used (the job's
/// virtualenv's, else the host's <c>jupyter-notebook</c>/<c>jupyter-lab</c>, else <c>python3 -m …</c>); when there is
/// none, <c>pip install notebook[==version]</c> / <c>jupyterlab[==version]</c>, and a clear error when that fails.
/// </summary>
public sealed class JupyterProvider : IProvider
{
    private readonly string _what, _package, _module, _command, _link, _tokenOption;

    private JupyterProvider(string name, string what, string package, string module, string command, string link, string tokenOption) =>
        (Name, _what, _package, _module, _command, _link, _tokenOption) = (name, what, package, module, command, link, tokenOption);

    public static JupyterProvider Notebook() =>
        new(WorkflowProviders.Notebook, "Jupyter Notebook", "notebook", "notebook", "jupyter-notebook", "/tree?token={token}", "--NotebookApp.token");

    public static JupyterProvider Lab() =>
        new(WorkflowProviders.Lab, "JupyterLab", "jupyterlab", "jupyterlab", "jupyter-lab", "/lab?token={token}", "--ServerApp.token");

    public string Name { get; }

    public (WorkflowSpec Workflow, IReadOnlyList<string> Args) FromArgs(IReadOnlyList<string> args) => DevServer.FromArgs(Name, args);

    public IReadOnlyList<JobSpec> BuildJobs(WorkflowSpec workflow, ProviderContext context) =>
        DevServer.Jobs(workflow, context, [Find(workflow), Start(workflow)], _link);

    /// <summary>
    /// Picks the server's command into <c>dstack_jupyter</c> (with <c>--allow-root</c> as root: a container's user, mostly). In
    /// a virtualenv (<c>python</c>, <c>requirements</c>) it is the virtualenv's; otherwise the host's command comes first, as
    /// Debian's runs with its own interpreter. POSIX sh, no arrays: a container runs the job with its image's <c>sh</c>.
    /// </summary>
    private string Find(WorkflowSpec workflow)
    {
        var pin = workflow.Version is { } v ? $"{_package}=={v}" : _package;
        var missing = ShellQuote.Quote(ProviderException.JupyterMissing(_what, pin));
        return $"""
            if [ -z "${"{"}VIRTUAL_ENV:-{"}"}" ] && command -v {_command} >/dev/null 2>&1; then dstack_jupyter={_command}
            elif python3 -c 'import {_module}' >/dev/null 2>&1; then dstack_jupyter="python3 -m {_module}"
            else
              echo "dstack: {_what} is not installed; installing {pin} with pip"
              python3 -m pip install --disable-pip-version-check --no-input --retries 1 --timeout 15 {ShellQuote.Quote(pin)} || {"{"} echo {missing} >&2; exit 1; {"}"}
              dstack_jupyter="python3 -m {_module}"
            fi
            [ "$(id -u)" != 0 ] || dstack_jupyter="$dstack_jupyter --allow-root"
            """;
    }

    /// <summary>The server in the foreground; <c>$dstack_jupyter</c> unquoted on purpose: its words are the ones <see cref="Find"/> chose.</summary>
    private string Start(WorkflowSpec workflow) =>
        $"exec $dstack_jupyter --no-browser --ip={DevServer.Host(workflow)} --port=\"$PORT_0\" --port-retries=0 " +
        $"{_tokenOption}=\"${DevServer.TokenVariable}\" --notebook-dir=\"$PWD\"";
}
