using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Events;

/// <summary>Section <c>OrleansSync:Events</c>: the event feed's throttle and how much of it is kept for clients that resume.</summary>
public sealed class EventOptions
{
    public const string Section = "OrleansSync:Events";

    /// <summary>A task's progress events come at most this often (its status changes and its end come at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan EventInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Events kept for <c>Last-Event-ID</c>: at least this many…</summary>
    [Range(10, 1_000_000)]
    public int KeepCount { get; set; } = 10_000;

    /// <summary>…and at least those of this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether the oldest of <paramref name="kept"/> events, raised at <paramref name="oldestAt"/>, may go: beyond the
    /// last <see cref="KeepCount"/> it goes once older than <see cref="KeepFor"/>, or past ten times the count, so a
    /// burst cannot take the silo's memory. The sequencer and every relay keep the same events by it.
    /// </summary>
    public bool Drops(int kept, DateTimeOffset oldestAt, DateTimeOffset now) =>
        kept > KeepCount && (oldestAt < now - KeepFor || kept > 10 * KeepCount);

    /// <summary>How often a silo sends the events its grains raised to the sequencer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.005", "00:00:05")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a silo's relay waits at the sequencer for the next event before it asks again (a long poll).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan RelayPoll { get; set; } = TimeSpan.FromSeconds(20);
}

[OptionsValidator]
public sealed partial class EventOptionsValidator : IValidateOptions<EventOptions>;
