using System.Text;

namespace Dstack.Core.Errors;

/// <summary>
/// A value as an error message may quote it: on one line, control characters escaped, at most
/// <see cref="MaxLength"/> characters. Whatever a user (or a hostile file) typed must not flood the terminal.
/// </summary>
public static class Quote
{
    public const int MaxLength = 80;

    public static string Short(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxLength + 8));
        foreach (var c in value)
        {
            if (sb.Length >= MaxLength)
            {
                sb.Append('…');
                break;
            }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
