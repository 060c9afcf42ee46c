using System.Globalization;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Tasks;

/// <summary>A streaming task's lag in a table cell: bytes and seconds, in bold red with <c>OVER MaxSlotLag</c> when over it.</summary>
internal static class LagMarkup
{
    public static string Cell(StreamLag? lag) => lag switch
    {
        null => "-",
        { OverLimit: true } => $"[bold red]{Markup.Escape(Text(lag))}: OVER MaxSlotLag[/]",
        _ => Markup.Escape(Text(lag)),
    };

    /// <summary>Bytes and seconds, plain.</summary>
    public static string Text(StreamLag lag) => string.Create(CultureInfo.InvariantCulture, $"{lag.Bytes:N0} bytes, {lag.Seconds:0.0} s");
}
