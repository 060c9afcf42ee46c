using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Tests.Silo;

/// <summary>
/// Failure detection: the silo host as Program.cs builds it (not started) runs with Orleans' own membership defaults
/// unless <c>OrleansSync:Membership</c> says otherwise; the fast values of up.sh and the tests apply when set.
/// </summary>
public sealed class MembershipSettingsTests
{
    [Fact]
    public async Task AddOrleansSyncSilo_NoMembershipSettings_KeepsOrleansDefaults()
    {
        var defaults = new ClusterMembershipOptions();

        var resolved = await ResolveAsync(new Dictionary<string, string?>());

        Assert.Equal(TimeSpan.FromSeconds(5), resolved.ProbeTimeout);
        foreach (var (property, _) in FastProperties())
        {
            Assert.Equal(property.GetValue(defaults), property.GetValue(resolved));
        }

        // Otherwise this test could not tell the defaults from the fast values.
        Assert.Contains(FastProperties(), p => !Equals(p.Value, p.Property.GetValue(resolved)));
    }

    [Fact]
    public async Task AddOrleansSyncSilo_FastFailureDetection_Applies()
    {
        var resolved = await ResolveAsync(MembershipSettings.FastFailureDetection.ToDictionary(static s => s.Key, static s => (string?)s.Value));

        Assert.Equal(TimeSpan.FromSeconds(2), resolved.ProbeTimeout);
        foreach (var (property, fast) in FastProperties())
        {
            Assert.Equal(fast, property.GetValue(resolved));
        }
    }

    [Fact]
    public async Task AddOrleansSyncSilo_OneSetting_ChangesOnlyThat()
    {
        var defaults = new ClusterMembershipOptions();

        var resolved = await ResolveAsync(new Dictionary<string, string?> { ["OrleansSync:Membership:NumMissedProbesLimit"] = "5" });

        Assert.Equal(5, resolved.NumMissedProbesLimit);
        Assert.Equal(defaults.ProbeTimeout, resolved.ProbeTimeout);
        Assert.Equal(defaults.TableRefreshTimeout, resolved.TableRefreshTimeout);
    }

    /// <summary>Each fast setting's <see cref="ClusterMembershipOptions"/> property and its value, converted as the binder does.</summary>
    private static IEnumerable<(System.Reflection.PropertyInfo Property, object? Value)> FastProperties() =>
        MembershipSettings.FastFailureDetection.Select(static s =>
        {
            var property = typeof(ClusterMembershipOptions).GetProperty(s.Key[(MembershipSettings.Section.Length + 1)..])
                ?? throw new InvalidOperationException($"{s.Key} names no ClusterMembershipOptions property");
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            return (property, TypeDescriptor.GetConverter(type).ConvertFromInvariantString(s.Value));
        });

    private static async Task<ClusterMembershipOptions> ResolveAsync(IReadOnlyDictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddOrleansSyncSilo(new SyncSiloOptions());
        await using var app = builder.Build();
        return app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }
}
