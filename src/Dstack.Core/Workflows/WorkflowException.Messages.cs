namespace Dstack.Core.Workflows;

// Every sentence a user can see about a workflow file, in one place, so wording stays consistent.
public sealed partial class WorkflowException
{
    internal static WorkflowException InvalidYaml(SourceLocation at, string reason) =>
        new(at, $"invalid YAML: {reason}");

    internal static WorkflowException NotWorkflowsFile(SourceLocation at, string got) =>
        new(at, $"the file must be a mapping with a 'workflows' list at the root, got {got}");

    internal static WorkflowException SeveralDocuments(SourceLocation at) =>
        new(at, "the file has more than one YAML document ('---'); put all workflows in one");

    internal static WorkflowException UnknownProperty(SourceLocation at, string key, string? context, IReadOnlyList<string> known)
    {
        var where = context is null ? "" : $" in {context}";
        var closest = NameSuggester.Closest(key, known);
        return new(at, closest is null
            ? $"unknown property '{Q(key)}'{where}; known properties: {string.Join(", ", known)}"
            : $"unknown property '{Q(key)}'{where} (did you mean '{closest}'?)");
    }

    internal static WorkflowException WrongType(SourceLocation at, string property, string expected, string got) =>
        new(at, $"property '{Q(property)}' must be {expected}, got {got}");

    internal static WorkflowException MissingProperty(SourceLocation at, string owner, string property, string? why = null) =>
        new(at, $"{Q(owner)} is missing required property '{property}'{(why is null ? "" : $" ({why})")}");

    internal static WorkflowException DuplicateWorkflow(SourceLocation at, string name, SourceLocation first) =>
        new(at, $"workflow '{Q(name)}' is already defined at {first}");

    internal static WorkflowException InvalidWorkflowName(SourceLocation at, string name) =>
        new(at, $"invalid workflow name '{Q(name)}'; a name must not be empty or contain whitespace or '/'");

    internal static WorkflowException UnknownProvider(SourceLocation at, string provider)
    {
        var supported = $"supported providers: {string.Join(", ", WorkflowProviders.Supported)}";
        var closest = NameSuggester.Closest(provider, WorkflowProviders.Supported);
        return new(at, $"unknown provider '{Q(provider)}'{(closest is null ? "" : $" (did you mean '{closest}'?)")}; {supported}");
    }

    internal static WorkflowException PropertyNotForProvider(SourceLocation at, string property, string provider, string why) =>
        new(at, $"property '{property}' is not used by provider '{Q(provider)}' ({why})");

    internal static WorkflowException NprocAboveGpus(SourceLocation at, int nproc, int gpus) =>
        new(at, $"nproc_per_node {nproc} is more than the {gpus} GPU(s) each node gets (resources.gpu); use at most {gpus}, or ask for more GPUs");

    internal static WorkflowException DevEnvironmentCommands(SourceLocation at, string provider) =>
        new(at, $"provider '{provider}' starts its own server and runs no 'commands'; put what must run first in 'setup'");

    internal static WorkflowException VersionNotForProvider(SourceLocation at, string provider) =>
        new(at, $"'version' is the server's version for providers code, lab and notebook; provider '{Q(provider)}' has none");

    internal static WorkflowException BeforeRunAndSetup(SourceLocation at) =>
        new(at, "'before_run' and 'setup' are the same property; use only one of them");

    internal static WorkflowException InvalidEnvName(SourceLocation at, string entry, string name) =>
        new(at, $"invalid environment variable name '{Q(name)}' in env entry '{Q(entry)}'; use letters, digits and '_', not starting with a digit");

    internal static WorkflowException CredentialsNotPassed(SourceLocation at, string name) =>
        new(at, CredentialsNotPassedProblem(name));

    /// <summary>A bare credential name in <c>env</c> or <c>DSTACK_PASS_ENV</c> (the providers say it too).</summary>
    internal static string CredentialsNotPassedProblem(string name) =>
        $"{name} is not taken from your shell: it would be written into the run's record, which everyone with access to the store can read. " +
        $"Give the job its own credentials as a secret: dstack secrets add {name} -";

    internal static WorkflowException InvalidMemory(SourceLocation at, string property, string text, string problem) =>
        new(at, $"invalid {property} '{Q(text)}': {problem}");

    /// <summary>A size that reached job building unchecked (no file location to give).</summary>
    internal static WorkflowException InvalidMemorySize(string text, string problem) =>
        new(null, $"invalid memory size '{text}': {problem}");

    internal static WorkflowException AbsoluteWorkingDir(SourceLocation at, string path) =>
        new(at, $"working_dir '{Q(path)}' must be a path relative to the repository root");

    internal static WorkflowException WorkingDirOutsideRepo(SourceLocation at, string path) =>
        new(at, $"working_dir '{Q(path)}' goes outside the repository with '..'; use a path inside it");

    internal static WorkflowException ArtifactOutsideWorkingDir(SourceLocation at, string path) =>
        new(at, $"artifact path '{Q(path)}' goes outside the working directory with '..'; use a path inside it or an absolute path");

    /// <param name="installed">The Pythons this machine has, in words.</param>
    public static WorkflowException PythonNotInstalled(SourceLocation? at, string python, string installed) =>
        new(at, $"Python {python} is not installed on this machine; installed: {installed}");

    public static WorkflowException RequirementsNotFound(SourceLocation at, string path, string lookedFor) =>
        new(at, $"requirements file '{path}' not found (looked for {lookedFor}); add it to the repository or fix the path");

    public static WorkflowException RequirementsOutsideRepo(SourceLocation at, string path) =>
        new(at, $"requirements file '{Storage.StoreContentException.Shown(path)}' is outside the repository (absolute, '..' or a symlink); use a file of the repository");

    internal static WorkflowException ArtifactIsRoot(SourceLocation at) =>
        new(at, "artifact path '/' is the filesystem root; name a folder");

    internal static WorkflowException DepNeedsOneKind(SourceLocation at, bool both) =>
        new(at, both
            ? "a dep has both 'tag' and 'workflow'; use one of them per dep"
            : "a dep needs 'tag' or 'workflow', e.g. '- tag: my_tag' or '- workflow: train'");

    internal static WorkflowException InvalidDep(SourceLocation at, DepSpec dep) =>
        new(at, dep.Kind == DepKind.Tag
            ? $"invalid tag name '{Q(dep.Name)}'; use letters, digits, '-', '_' and '.', or OWNER/REPO/NAME for another repository's tag"
            : $"invalid workflow dep '{Q(dep.Name)}'; use a workflow name, or OWNER/REPO/NAME for another repository's workflow");

    internal static WorkflowException UnknownExpression(SourceLocation? at, string expression) =>
        new(at, $"unknown expression '${{{{ {Q(expression)} }}}}'; known expressions: ${{{{ run.name }}}}, ${{{{ run.args }}}}");

    internal static WorkflowException FileTooLarge(SourceLocation at, int maxBytes) =>
        new(at, $"the file is larger than {maxBytes / 1024 / 1024} MB, the most a workflows file may be; is it the right file?");

    internal static WorkflowException NotUtf8(SourceLocation at, byte value) =>
        new(at, $"the byte 0x{value:X2} is not UTF-8; save the file as UTF-8");

    internal static WorkflowException TooDeep(SourceLocation at, int maxDepth) =>
        new(at, $"lists and mappings nest deeper than {maxDepth} levels; a workflow needs only a few");

    internal static WorkflowException UnclosedExpression(SourceLocation at, string text) =>
        new(at, $"unclosed expression '{Q(text)}': close it with '}}}}', e.g. ${{{{ run.args }}}}");

    /// <summary>A value as a message quotes it: one line, at most about 80 characters.</summary>
    private static string Q(string value) => Errors.Quote.Short(value);
}
