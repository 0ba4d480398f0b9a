using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Dstack.EndToEnd.Tests.Support;

/// <summary>A minimal pure-Python wheel (one module, METADATA, WHEEL, RECORD) that pip installs from a local path.</summary>
public static class Wheel
{
    /// <summary>Writes <c>NAME-VERSION-py3-none-any.whl</c> into <paramref name="folder"/> and returns its path.</summary>
    public static string Build(string folder, string name, string version, string moduleSource)
    {
        var distInfo = $"{name}-{version}.dist-info";
        var files = new Dictionary<string, string>
        {
            [$"{name}.py"] = moduleSource,
            [$"{distInfo}/METADATA"] = $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            [$"{distInfo}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: dstack-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        };
        var record = new StringBuilder();
        foreach (var (path, content) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            var hash = Convert.ToBase64String(SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append($"{path},sha256={hash},{bytes.Length}\n");
        }
        record.Append($"{distInfo}/RECORD,,\n");
        files[$"{distInfo}/RECORD"] = record.ToString();

        Directory.CreateDirectory(folder);
        var wheel = Path.Combine(folder, $"{name}-{version}-py3-none-any.whl");
        using var zip = ZipFile.Open(wheel, ZipArchiveMode.Create);
        foreach (var (path, content) in files)
        {
            using var writer = new StreamWriter(zip.CreateEntry(path).Open(), new UTF8Encoding(false));
            writer.Write(content);
        }
        return wheel;
    }
}
