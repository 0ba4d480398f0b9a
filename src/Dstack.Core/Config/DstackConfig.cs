using System.Text;
using Dstack.Core.Errors;

namespace Dstack.Core.Config;

/// <summary>
/// <c>$DSTACK_HOME/config.yaml</c>: which store to use. No file means the local folder store.
/// Credentials never go here: they come from the standard AWS chain.
/// </summary>
public sealed record DstackConfig
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
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new DstackException($"{path}:{number}: expected 'key: value'. Fix the file, or rewrite it with `dstack config`.");
            values[line[..colon].Trim()] = line[(colon + 1)..].Trim().Trim('"', '\'');
        }
        var config = new DstackConfig
        {
            Backend = values.GetValueOrDefault("backend", "local"),
            Bucket = values.GetValueOrDefault("bucket"), Region = values.GetValueOrDefault("region"),
            Profile = values.GetValueOrDefault("profile"), EndpointUrl = values.GetValueOrDefault("endpoint_url"),
            KmsKeyId = values.GetValueOrDefault("kms_key_id"),
        };
        if (config.Backend is not ("local" or "s3"))
            throw new DstackException($"{path}: unknown backend '{config.Backend}'; use local or s3 (`dstack config --backend s3 --bucket NAME`).");
        if (config.IsS3 && string.IsNullOrEmpty(config.Bucket))
            throw new DstackException($"{path}: backend s3 needs a bucket. Run: dstack config --backend s3 --bucket NAME --region REGION");
        return config;
    }

    public void Save(string home)
    {
        var sb = new StringBuilder("# Written by `dstack config`. Credentials come from the AWS chain, never from here.\n");
        sb.Append($"backend: {Backend}\n");
        void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) sb.Append($"{key}: {value}\n"); }
        Add("bucket", Bucket);
        Add("region", Region);
        Add("profile", Profile);
        Add("endpoint_url", EndpointUrl);
        Add("kms_key_id", KmsKeyId);
        Directory.CreateDirectory(home);
        var path = new DstackHome(home).ConfigFile;
        File.WriteAllText(path + ".tmp", sb.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public string Describe() => IsS3
        ? $"s3://{Bucket}" + (Region is null ? "" : $" ({Region})") + (EndpointUrl is null ? "" : $" at {EndpointUrl}") + (Profile is null ? "" : $", profile {Profile}")
            + (KmsKeyId is null ? "" : $", secrets encrypted with KMS key {KmsKeyId}")
        : "local folder";
}
