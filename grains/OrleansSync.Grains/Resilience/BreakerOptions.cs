using System.ComponentModel.DataAnnotations;

namespace OrleansSync.Resilience;

/// <summary>When a circuit breaker opens and how long it stays open.</summary>
public sealed class BreakerOptions
{
    /// <summary>Consecutive failures that open it.</summary>
    [Range(1, 1000)]
    public int Failures { get; set; } = 5;

    /// <summary>How long it stays open the first time; each failed probe doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan OpenTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest it stays open before the next probe.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00")]
    public TimeSpan MaxOpenTime { get; set; } = TimeSpan.FromMinutes(10);
}
