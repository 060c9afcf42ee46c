using System.Text;

namespace OrleansSync.Pipeline;

/// <summary>
/// Text from outside (upstream error messages, bodies, exception messages) on its way into a <c>sync.*</c> table or
/// grain state: PostgreSQL's text and jsonb refuse NUL and unpaired surrogates, and one such message would fail the
/// whole statement carrying it. Bounded too, so a 1 MB error page cannot bloat a progress row.
/// </summary>
public static class StorableText
{
    /// <summary>The most characters kept of one message.</summary>
    public const int DefaultMaxLength = 2000;

    private const char Replacement = '\uFFFD';

    /// <summary>The text with NUL and unpaired surrogates replaced by U+FFFD, cut to <paramref name="maxLength"/> (ending in '…').</summary>
    public static string Clean(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (text.Length <= maxLength && IsStorable(text))
        {
            return text;
        }

        // Room for the ellipsis when cut.
        var limit = text.Length <= maxLength ? text.Length : maxLength - 1;
        var builder = new StringBuilder(limit + 1);
        for (var i = 0; i < text.Length && builder.Length < limit; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (builder.Length + 2 > limit)
                {
                    break;
                }

                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? Replacement : c);
            }
        }

        if (text.Length > maxLength)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    public static string? CleanOrNull(string? text, int maxLength = DefaultMaxLength) => text is null ? null : Clean(text, maxLength);

    /// <summary>No NUL and no unpaired surrogate: PostgreSQL text and jsonb take it as it is.</summary>
    public static bool IsStorable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (c == '\0' || char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
