using System.Globalization;
using Orleans.Runtime.Placement;
using OrleansSync.Diagnostics;

namespace OrleansSync.Cluster;

/// <summary>
/// Each Active silo's upstream latency (p50/p95/p99 per endpoint, in milliseconds), read from an
/// <see cref="IUpstreamLatencyGrain"/> placed on that silo with a placement hint.
/// </summary>
public static class UpstreamLatencyQuery
{
    // Membership may still list a silo as Active after it died; a cluster report must not hang on it.
    private const int AnswerSeconds = 5;

    /// <summary>By silo address (<see cref="SiloAddress.ToParsableString"/>); the silos are asked at once.</summary>
    public static async Task<Dictionary<string, SiloLatency>> RunAsync(IGrainFactory grains, IEnumerable<MembershipEntry> hosts, CancellationToken cancellationToken)
    {
        var active = hosts.Where(static h => h.Status == SiloStatus.Active).Select(static h => h.SiloAddress).ToList();
        var answers = await Task.WhenAll(active.Select(silo => AskAsync(grains, silo, cancellationToken)));
        return active.Zip(answers).ToDictionary(static a => a.First.ToParsableString(), static a => a.Second, StringComparer.Ordinal);
    }

    /// <summary>One line: <c>reviews 52/60/75 x40</c> per endpoint (p50/p95/p99 ms, attempts).</summary>
    public static string Describe(IReadOnlyDictionary<string, EndpointLatencyView>? endpoints, string? error)
    {
        if (error is not null)
        {
            return $"unknown ({error})";
        }

        if (endpoints is null || endpoints.Count == 0)
        {
            return "no upstream calls yet";
        }

        return "p50/p95/p99 ms " + string.Join(", ", endpoints.Select(static e => string.Create(
            CultureInfo.InvariantCulture, $"{e.Key} {Ms(e.Value.P50)}/{Ms(e.Value.P95)}/{Ms(e.Value.P99)} x{e.Value.Count}")));
    }

    private static async Task<SiloLatency> AskAsync(IGrainFactory grains, SiloAddress silo, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(AnswerSeconds));
        try
        {
            // A key per silo incarnation: the hint decides where it activates, and [Immovable] keeps it there.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            var report = await grains.GetGrain<IUpstreamLatencyGrain>($"upstream-latency/{silo.ToParsableString()}").GetAsync(timeout.Token);
            if (report.Silo != silo.ToParsableString())
            {
                return new SiloLatency(null, $"answered by {report.SiloName} instead");
            }

            return new SiloLatency(
                report.Endpoints.ToDictionary(
                    static e => e.Endpoint,
                    static e => new EndpointLatencyView(e.Count, e.Window, Math.Round(e.P50Ms, 2), Math.Round(e.P95Ms, 2), Math.Round(e.P99Ms, 2)),
                    StringComparer.Ordinal),
                null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SiloLatency(null, $"no answer within {AnswerSeconds} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new SiloLatency(null, e.Message.Split('\n')[0]);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    private static string Ms(double value) => value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}

/// <summary>One silo's answer: its endpoints, or why there is none.</summary>
public sealed record class SiloLatency(IReadOnlyDictionary<string, EndpointLatencyView>? Endpoints, string? Error);

/// <summary>One endpoint as a cluster report shows it: attempts since the silo started, the recent attempts the percentiles cover, and the percentiles in milliseconds.</summary>
public sealed record class EndpointLatencyView(long Count, int Window, double P50, double P95, double P99);
