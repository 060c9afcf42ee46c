using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSync.Silo.Health;

/// <summary>Ready only while membership lists this silo as Active: before joining and while shutting down it is not.</summary>
public sealed class SiloActiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{silo.Name} is Active")
            : HealthCheckResult.Unhealthy($"{silo.Name} is {status}"));
    }
}
