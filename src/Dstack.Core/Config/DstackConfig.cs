using System.Text;

namespace Dstack.Core.Config;

/// <summary>
/// <c>$DSTACK_HOME/config.yaml</c>: which store to use, and where runs may go (compute targets). No file means
/// the local folder store and this machine. Credentials never go here: they come from the standard AWS chain.
/// </summary>
public sealed partial record DstackConfig
{
    public const string FileName = "config.yaml";

    public string Backend { get; init; } = "local";
    public string? Bucket { get; init; }
    public string? Region { get; init; }
    public string? Profile { get; init; }
    public string? EndpointUrl { get; init; }
    public string? KmsKeyId { get; init; }

    public bool IsS3 => Backend == "s3";

    /// <summary>Reads the file with a tiny <c>key: value</c> reader (no YAML library on every command's start-up).</summary>
    public static DstackConfig Load(string home)
    {
        var path = new DstackHome(home).ConfigFile;
        if (!File.Exists(path)) return new DstackConfig();
        var (values, targets) = ConfigFileReader.Read(path);
        var config = new DstackConfig
        {
            Backend = values.GetValueOrDefault("backend", "local"),
            Bucket = values.GetValueOrDefault("bucket"), Region = values.GetValueOrDefault("region"),
            Profile = values.GetValueOrDefault("profile"), EndpointUrl = values.GetValueOrDefault("endpoint_url"),
            KmsKeyId = values.GetValueOrDefault("kms_key_id"),
            ComputeTargets = targets,
            DefaultCompute = values.GetValueOrDefault("default_compute", ComputeTarget.Local),
        };
        if (config.Backend is not ("local" or "s3"))
            throw ConfigException.UnknownBackend(path, config.Backend);
        if (config.IsS3 && string.IsNullOrEmpty(config.Bucket))
            throw ConfigException.NoBucket(path);
        if (config.DefaultCompute != ComputeTarget.Local && config.FindTarget(config.DefaultCompute) is null)
            throw ConfigException.UnknownDefaultCompute(path, config.DefaultCompute);
        return config;
    }

    public void Save(string home)
    {
        Directory.CreateDirectory(home);
        var path = new DstackHome(home).ConfigFile;
        File.WriteAllText(path + ".tmp", ToYaml());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The file's text, as <see cref="Save"/> writes it.</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder("# Written by `dstack config`. Credentials come from the AWS chain, never from here.\n");
        sb.Append($"backend: {Backend}\n");
        void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) sb.Append($"{key}: {value}\n"); }
        Add("bucket", Bucket);
        Add("region", Region);
        Add("profile", Profile);
        Add("endpoint_url", EndpointUrl);
        Add("kms_key_id", KmsKeyId);
        AppendCompute(sb);
        return sb.ToString();
    }

    public string Describe() => IsS3
        ? $"s3://{Bucket}" + (Region is null ? "" : $" ({Region})") + (EndpointUrl is null ? "" : $" at {EndpointUrl}") + (Profile is null ? "" : $", profile {Profile}")
            + (KmsKeyId is null ? "" : $", secrets encrypted with KMS key {KmsKeyId}")
        : "local folder";
}
