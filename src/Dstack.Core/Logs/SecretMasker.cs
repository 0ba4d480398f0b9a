using System.Text;

namespace Dstack.Core.Logs;

/// <summary>
/// Replaces secret values in log text with <c>***</c>: each value as is, base64-encoded (with and without
/// padding, and each line of it wrapped at 76 or 64 columns), URL-encoded (fully, and form-style with <c>+</c> for spaces), and each line of a multi-line value. Values shorter than
/// <see cref="MinLength"/> are left alone: masking "1" would wreck every log.
/// </summary>
public sealed class SecretMasker
{
    public const int MinLength = 3;
    public const string Mask = "***";

    /// <summary>Where tools wrap base64: `base64` at 76 columns, `openssl base64` and PEM at 64.</summary>
    private static readonly int[] WrapWidths = [76, 64];

    /// <summary>The last line of a wrapped base64 value is masked from this length: shorter tails are too common.</summary>
    private const int MinWrappedLine = 8;

    private readonly string[] _forms;

    public SecretMasker(IEnumerable<string> values)
    {
        _forms = values.Where(v => v.Length >= MinLength).SelectMany(Forms)
            .Where(f => f.Length >= MinLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(f => f.Length).ToArray();
    }

    public static SecretMasker None { get; } = new([]);

    public bool IsEmpty => _forms.Length == 0;

    public string Apply(string text)
    {
        foreach (var form in _forms)
            if (text.Contains(form, StringComparison.Ordinal)) text = text.Replace(form, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// How many characters at the end of <paramref name="text"/> could be the start of a secret: output that
    /// must wait for the next write before it is shown, so a value split across two writes is still masked.
    /// </summary>
    public int PendingSuffix(string text)
    {
        var longest = 0;
        foreach (var form in _forms)
            for (var n = Math.Min(form.Length - 1, text.Length); n > longest; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(form.AsSpan(0, n))) { longest = n; break; }
        return longest;
    }

    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        yield return base64;
        yield return base64.TrimEnd('=');
        foreach (var width in WrapWidths.Where(w => base64.Length > w))
            foreach (var line in base64.Chunk(width).Select(c => new string(c)).Where(l => l.Length >= MinWrappedLine))
                yield return line;
        var escaped = Uri.EscapeDataString(value);
        yield return escaped;                       // JavaScript's encodeURIComponent-like, Python's quote(safe="")
        yield return escaped.Replace("%20", "+");   // form encoding: Python's urlencode / quote_plus
        yield return System.Net.WebUtility.UrlEncode(value); // .NET form encoding, which keeps ! * ( ) as they are
        foreach (var line in value.Split('\n')) yield return line.TrimEnd('\r');
    }
}
