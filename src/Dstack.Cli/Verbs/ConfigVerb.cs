using Dstack.Core.Config;
using Dstack.Core.Errors;
using Dstack.Storage.S3;

namespace Dstack.Cli.Verbs;

public static class ConfigVerb
{
    private static readonly VerbOption Backend = new(["--backend"], "BACKEND", "local (the default) or s3");
    private static readonly VerbOption Bucket = new(["--bucket"], "NAME", "The S3 bucket");
    private static readonly VerbOption Region = new(["--region"], "REGION", "The bucket's region");
    private static readonly VerbOption Profile = new(["--profile"], "P", "The AWS profile of ~/.aws/credentials (default: the standard chain)");
    private static readonly VerbOption Endpoint = new(["--endpoint-url"], "URL", "An S3-compatible server instead of AWS");
    private static readonly VerbOption Kms = new(["--kms-key-id"], "KEY", "The KMS key that encrypts secrets where SSE-S3 is not available");
    private static readonly VerbOption Yes = new(["-y", "--yes"], null, "Create a missing bucket without asking");

    public static readonly Verb Verb = new("config", "Choose where runs, logs, artifacts and secrets are kept", Run)
    {
        Usage =
        [
            "config                       show the settings (asks for them when there are none)",
            "config --backend local       keep everything in $DSTACK_HOME (the default)",
            "config --backend s3 --bucket NAME [--region REGION] [--profile P] [--endpoint-url URL] [--kms-key-id KEY] [-y]",
            .. ComputeConfigCommand.Usage,
        ],
        About = "With S3, a team shares one bucket: everyone's runs, logs, tags and artifacts, secrets per repo.\n" +
                "Credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials\n" +
                "profiles) and are never written into dstack's files. The bucket is checked before the config is saved;\n" +
                "a missing one is created when you agree (-y agrees).\n\n" +
                "Compute targets are where runs go: `local` (this machine) and SSH hosts you add. Hosts are probed when added\n" +
                "(CPUs, memory, GPUs, docker, python) and dstack's executable is copied to them once per version. See docs/SSH.md.",
        Groups = [new OptionGroup("Options", [Backend, Bucket, Region, Profile, Endpoint, Kms, Yes]), ComputeConfigCommand.Options],
    };

    private static async Task<int> Run(CliContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count > 0 && args[0] == "compute") return await ComputeConfigCommand.RunAsync(ctx, args.Skip(1).ToList(), ct);
        var reader = new ArgReader(Verb, args);
        var backend = reader.Option(Backend);
        var bucket = reader.Option(Bucket);
        var region = reader.Option(Region);
        var profile = reader.Option(Profile);
        var endpoint = reader.Option(Endpoint);
        var kms = reader.Option(Kms);
        var yes = reader.Flag(Yes);
        reader.Positionals(0);
        var path = ctx.Home.ConfigFile;

        if (backend is null && bucket is null)
        {
            if (File.Exists(path) || Console.IsInputRedirected)
            {
                ctx.Out.WriteLine($"backend: {ctx.Config.Describe()}");
                if (ctx.Config.ComputeTargets.Count > 0)
                    ctx.Out.WriteLine($"compute: {string.Join(", ", ctx.Config.TargetNames.Select(n => n == ctx.Config.DefaultCompute ? n + " (default)" : n))}");
                ctx.Out.WriteLine($"file:    {path}");
                return 0;
            }
            (backend, bucket, region, profile, endpoint) = Ask(ctx);
        }
        backend ??= "s3";
        if (backend == "local")
        {
            (KeptCompute(ctx) ?? new DstackConfig()).Save(ctx.Home.Root);
            ctx.Err.WriteLine($"OK: runs are kept in {ctx.Home.Root}");
            return 0;
        }
        if (backend != "s3") throw UsageException.UnknownBackend(backend);
        if (string.IsNullOrWhiteSpace(bucket)) throw UsageException.BucketNotNamed();
        var config = (KeptCompute(ctx) ?? new DstackConfig()) with { Backend = "s3", Bucket = bucket, Region = region, Profile = profile, EndpointUrl = endpoint, KmsKeyId = kms };
        await S3BucketCheck.CheckAsync(S3StoreOptions.From(config),
            () => yes || Prompt.Confirm(ctx, $"Bucket '{bucket}' does not exist. Create it?"), ct);
        config = await CheckSecretEncryptionAsync(ctx, config, ask: !yes && kms is null, ct);
        config.Save(ctx.Home.Root);
        ctx.Err.WriteLine($"OK: runs are kept in {config.Describe()}");
        return 0;
    }

    /// <summary>The compute targets of the current file, kept when the store changes (null: no file, or one that does not load).</summary>
    private static DstackConfig? KeptCompute(CliContext ctx)
    {
        try { return new DstackConfig { ComputeTargets = ctx.Config.ComputeTargets, DefaultCompute = ctx.Config.DefaultCompute }; }
        catch (DstackException) { return null; }
    }

    /// <summary>
    /// Proves that secrets can be stored encrypted. Where the server does not encrypt with SSE-S3 (Ceph RGW's default),
    /// asks for a KMS key when it may (<paramref name="ask"/>); otherwise, and when no key is given, says in one line
    /// that secrets will be refused until one is named. A key given in answer must work, or nothing is saved.
    /// </summary>
    private static async Task<DstackConfig> CheckSecretEncryptionAsync(CliContext ctx, DstackConfig config, bool ask, CancellationToken ct)
    {
        if (await S3BucketCheck.SecretEncryptionProblemAsync(S3StoreOptions.From(config), ct) is not { } problem) return config;
        if (ask)
        {
            ctx.Err.Write($"S3 at {S3StoreException.Where(S3StoreOptions.From(config))} does not encrypt secrets with SSE-S3. " +
                          "KMS key id for secrets (empty: none, and secrets are refused): ");
            var answer = Console.In.ReadLine();
            if (answer is null) ctx.Err.WriteLine();
            if (answer?.Trim() is { Length: > 0 } key)
            {
                var withKey = config with { KmsKeyId = key };
                if (await S3BucketCheck.SecretEncryptionProblemAsync(S3StoreOptions.From(withKey), ct) is { } still) throw still;
                return withKey;
            }
        }
        ctx.Err.WriteLine(Output.Ansi.Yellow($"Warning: {problem.Message}"));
        return config;
    }

    private static (string, string?, string?, string?, string?) Ask(CliContext ctx)
    {
        string? Read(string question, string? fallback = null)
        {
            ctx.Err.Write(fallback is null ? $"{question}: " : $"{question} [{fallback}]: ");
            var answer = Console.In.ReadLine()?.Trim();
            return string.IsNullOrEmpty(answer) ? fallback : answer;
        }
        var backend = Read("Backend (local or s3)", "s3")!;
        if (backend == "local") return (backend, null, null, null, null);
        return (backend, Read("S3 bucket"), Read("Region", Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1"),
            Read("AWS profile (empty: the default chain)"), Read("Endpoint URL for S3-compatible storage (empty: AWS)"));
    }
}
