using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansSync.Silo.Hosting;

/// <summary>
/// Section <c>OrleansSync:Membership</c>, bound onto Orleans' <see cref="ClusterMembershipOptions"/> by property name
/// (<c>ProbeTimeout</c>, <c>NumMissedProbesLimit</c>, ...). Unset properties keep Orleans' own defaults, which are
/// what a production cluster runs with; <c>deploy/local/up.sh</c> and the tests set <see cref="FastFailureDetection"/>.
/// </summary>
public static class MembershipSettings
{
    public const string Section = "OrleansSync:Membership";

    /// <summary>
    /// Failure detection for one machine, where a silo killed with SIGKILL should be declared dead in seconds: each
    /// silo probes its peers every 2 s, suspects one after 3 misses, and with two silos the survivor's vote suffices.
    /// Orleans' defaults (5 s probes, slower table refresh) suit larger, noisier networks. Configuration keys, so
    /// in-process hosts add them as they are and silo processes as <c>OrleansSync__Membership__*</c> variables;
    /// <c>deploy/local/up.sh</c> repeats the same values.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FastFailureDetection { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [$"{Section}:ProbeTimeout"] = "00:00:02",
        [$"{Section}:NumMissedProbesLimit"] = "3",
        [$"{Section}:NumVotesForDeathDeclaration"] = "2",
        [$"{Section}:TableRefreshTimeout"] = "00:00:05",
        [$"{Section}:IAmAliveTablePublishTimeout"] = "00:00:15",
        [$"{Section}:DefunctSiloCleanupPeriod"] = "00:10:00",
        [$"{Section}:DefunctSiloExpiration"] = "1.00:00:00",
    };

    /// <summary>The <see cref="FastFailureDetection"/> values as environment variables of a silo process.</summary>
    public static IEnumerable<KeyValuePair<string, string>> FastFailureDetectionVariables =>
        FastFailureDetection.Select(static s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value));

    /// <summary>Binds <see cref="Section"/> onto <see cref="ClusterMembershipOptions"/>; a value that does not convert stops the silo naming it.</summary>
    public static ISiloBuilder UseMembershipFromConfiguration(this ISiloBuilder silo)
    {
        var section = silo.Configuration.GetSection(Section);
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(options =>
            {
                try
                {
                    section.Bind(options);
                }
                catch (InvalidOperationException e)
                {
                    // The binder's message names the key and the type it wanted (membership settings are no secrets).
                    throw new OptionsValidationException(Section, typeof(ClusterMembershipOptions), [e.Message]);
                }
            })
            .ValidateOnStart();
        return silo;
    }
}
