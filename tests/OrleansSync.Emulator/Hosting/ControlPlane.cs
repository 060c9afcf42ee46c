using System.Text;
using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Dump;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Mutations;
using OrleansSync.Emulator.RateLimiting;
using OrleansSync.Emulator.Stats;

namespace OrleansSync.Emulator.Hosting;

/// <summary>The test-only controls, shared by the <c>/__</c> endpoints and <see cref="AccEmulator"/>.</summary>
internal sealed class ControlPlane(
    Dataset data,
    StatsRecorder stats,
    RateLimiter limiter,
    FaultState faults,
    Mutator mutator,
    MalformedPolicy malformed)
{
    public Dataset Data => data;

    public StatsSnapshot Stats() => stats.Snapshot(
        limiter.Rejected,
        faults.InjectedThrottles,
        faults.InjectedServerErrors,
        faults.InjectedOutages,
        faults.Hostile.Injected());

    public void ResetStats()
    {
        stats.Reset();
        limiter.ResetCounters();
        faults.ResetCounters();
    }

    public MutationResult Mutate(int count) => mutator.Apply(count);

    public async Task<string> DumpAsync(string? projectId, CancellationToken cancellationToken)
    {
        var only = projectId is null
            ? null
            : data.FindProject(projectId) ?? throw new ArgumentException($"Project '{projectId}' does not exist.", nameof(projectId));
        using var buffer = new MemoryStream();
        await DumpWriter.WriteAsync(buffer, data, malformed, only, cancellationToken);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public FaultState Faults => faults;

    /// <summary>Applies a fault patch; returns the problems instead when the result would be invalid.</summary>
    public IReadOnlyList<string> ApplyFaults(FaultPatch patch)
    {
        var settings = patch.ApplyTo(patch.Reset == true ? faults.Initial : faults.Settings);
        var errors = settings.Validate().ToList();
        if (patch.ThrottleNext is < 0)
        {
            errors.Add("throttleNext must be 0 or more");
        }

        var hostile = patch.Hostile?.Select((json, i) => HostileNames.Parse(json, i, errors)).ToList();

        if (errors.Count > 0)
        {
            return errors;
        }

        faults.Settings = settings;
        if (patch.ThrottleNext is { } next)
        {
            faults.ThrottleNext(next);
        }
        else if (patch.Reset == true)
        {
            faults.ThrottleNext(0);
        }

        if (hostile is not null)
        {
            faults.Hostile.Replace(hostile.OfType<HostileRule>());
        }
        else if (patch.Reset == true)
        {
            faults.Hostile.Replace([]);
        }

        return [];
    }

    public RateLimiter Limiter => limiter;

    public IReadOnlyList<string> ApplyLimits(LimitsPatch patch)
    {
        if (patch.WindowSeconds is { } seconds && (double.IsNaN(seconds) || seconds is <= 0 or > 86_400))
        {
            return ["windowSeconds must be greater than 0 and at most 86400"];
        }

        var options = patch.ApplyTo(patch.Reset == true ? limiter.Initial : limiter.Options);
        var errors = options.Validate().ToList();
        if (errors.Count == 0)
        {
            limiter.Options = options;
        }

        return errors;
    }
}
