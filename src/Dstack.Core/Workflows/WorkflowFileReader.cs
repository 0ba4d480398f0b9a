using System.Buffers;
using System.Text;

namespace Dstack.Core.Workflows;

/// <summary>
/// Reads a workflows file's text as a YAML parser may safely take it: at most <see cref="MaxBytes"/> (a file linked to
/// something huge or endless stops there), and strict UTF-8 (a byte that is not UTF-8 is an error at its line, never
/// silently replaced).
/// </summary>
public static class WorkflowFileReader
{
    public const int MaxBytes = 1024 * 1024;

    /// <param name="relativePath">Repo-relative, forward slashes: how messages name the file.</param>
    public static string Read(string repoRoot, string relativePath)
    {
        byte[] bytes;
        using (var stream = File.OpenRead(Path.Combine(repoRoot, relativePath)))
        {
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0) length += read;
            if (length > MaxBytes) throw WorkflowException.FileTooLarge(new(relativePath, 1, 1), MaxBytes);
            bytes = buffer[..length];
        }
        return Decode(relativePath, bytes);
    }

    /// <summary>The text of UTF-8 bytes (a leading byte order mark dropped); the first invalid byte throws with its line and column.</summary>
    public static string Decode(string relativePath, byte[] bytes)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        if (System.Text.Unicode.Utf8.IsValid(span)) return Encoding.UTF8.GetString(span);
        int line = 1, column = 1;
        while (Rune.DecodeFromUtf8(span, out var rune, out var consumed) == OperationStatus.Done)
        {
            if (rune.Value == '\n') (line, column) = (line + 1, 1);
            else column++;
            span = span[consumed..];
        }
        throw WorkflowException.NotUtf8(new(relativePath, line, column), span[0]);
    }
}
