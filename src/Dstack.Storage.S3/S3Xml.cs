using System.Net;

namespace Dstack.Storage.S3;

/// <summary>
/// The few fields <see cref="S3Requests"/> reads from S3's XML answers (a listing's keys, prefixes and continuation
/// token; an error's code and message), found by their tags: S3's answers are flat, and their text is escaped XML.
/// </summary>
internal static class S3Xml
{
    /// <summary>The text of the first <c>&lt;tag&gt;</c> in <paramref name="xml"/>, unescaped; null when there is none.</summary>
    public static string? First(string xml, string tag) => All(xml, tag).FirstOrDefault();

    /// <summary>The text of every <c>&lt;tag&gt;</c> in <paramref name="xml"/> (an empty element, <c>&lt;tag/&gt;</c>, has none), unescaped.</summary>
    public static IEnumerable<string> All(string xml, string tag) => Elements(xml, tag).Select(WebUtility.HtmlDecode)!;

    /// <summary>The parts of a ListObjectsV2 answer a listing needs.</summary>
    public static (List<string> Keys, List<string> Prefixes, string? Next) ListPage(string xml)
    {
        var keys = new List<string>();
        var prefixes = new List<string>();
        foreach (var contents in Elements(xml, "Contents")) if (First(contents, "Key") is { } key) keys.Add(key);
        foreach (var common in Elements(xml, "CommonPrefixes")) if (First(common, "Prefix") is { } prefix) prefixes.Add(prefix);
        var truncated = First(xml, "IsTruncated") == "true";
        return (keys, prefixes, truncated ? First(xml, "NextContinuationToken") : null);
    }

    /// <summary>The raw inner XML of each <c>&lt;tag&gt;</c> element.</summary>
    private static IEnumerable<string> Elements(string xml, string tag)
    {
        var open = $"<{tag}>";
        var close = $"</{tag}>";
        for (var at = xml.IndexOf(open, StringComparison.Ordinal); at >= 0; at = xml.IndexOf(open, at, StringComparison.Ordinal))
        {
            var start = at + open.Length;
            var end = xml.IndexOf(close, start, StringComparison.Ordinal);
            if (end < 0) yield break;
            yield return xml[start..end];
            at = end + close.Length;
        }
    }
}
