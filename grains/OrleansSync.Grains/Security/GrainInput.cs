namespace OrleansSync.Security;

/// <summary>
/// Checks of what a caller sends a grain, before any of it reaches grain state or PostgreSQL: a null, a NUL (which
/// PostgreSQL text refuses, so a stored one would fail every later write), a negative count or an absurd span would
/// otherwise wedge the grain. Each refusal is an <see cref="InvalidRequestException"/> naming the field.
/// </summary>
public static class GrainInput
{
    /// <summary>Longer than any id, name or trigger we make; a longer one is not ours.</summary>
    public const int MaxTextLength = 1000;

    public static T Required<T>(T? value, string what)
        where T : class =>
        value ?? throw new InvalidRequestException($"{what} is missing: send a value.");

    /// <summary>Non-blank text without control characters, at most <paramref name="maxLength"/> characters.</summary>
    public static string Text(string? value, string what, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRequestException($"{what} is empty: send a value.");
        }

        OptionalText(value, what, maxLength);
        return value;
    }

    /// <summary>Null, or text as <see cref="Text"/> takes it.</summary>
    public static void OptionalText(string? value, string what, int maxLength = MaxTextLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            throw new InvalidRequestException($"{what} is {value.Length} characters long: at most {maxLength} are accepted.");
        }

        if (value.Any(char.IsControl))
        {
            throw new InvalidRequestException($"{what} holds a control character (a NUL, a line break, …): send plain text.");
        }
    }

    /// <summary>A span from zero to <paramref name="max"/>.</summary>
    public static TimeSpan Span(TimeSpan value, string what, TimeSpan max)
    {
        if (value < TimeSpan.Zero || value > max)
        {
            throw new InvalidRequestException($"{what} is {value}: give a span from 0 to {max}.");
        }

        return value;
    }

    /// <summary>A count from zero to <paramref name="max"/>.</summary>
    public static int Count(int value, string what, int max)
    {
        if (value < 0 || value > max)
        {
            throw new InvalidRequestException($"{what} is {value}: give a count from 0 to {max}.");
        }

        return value;
    }

    /// <summary>A finite number from zero to <paramref name="max"/> (NaN and infinities refused).</summary>
    public static double Number(double value, string what, double max)
    {
        if (!double.IsFinite(value) || value < 0 || value > max)
        {
            throw new InvalidRequestException($"{what} is {value}: give a finite number from 0 to {max}.");
        }

        return value;
    }
}
