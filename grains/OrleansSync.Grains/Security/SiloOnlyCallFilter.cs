using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OrleansSync.Security;

/// <summary>
/// Refuses a call to a <see cref="SiloOnlyAttribute"/> method unless it comes from the cluster itself: from a grain,
/// from a system target, or from a silo's own client (the one a silo's services call through outside any grain,
/// keyed <c>hosted-{silo}</c>) whose silo is a live member. Anyone who reaches a gateway calls as a client with a
/// random id, and is refused before the grain runs. The caller is the message's sending grain as the runtime stamps
/// it; a client forging that at the wire level is kept off by mutual TLS on the gateways, not by this filter.
/// </summary>
public sealed partial class SiloOnlyCallFilter(IClusterMembershipService membership, ILocalSiloDetails localSilo, ILogger<SiloOnlyCallFilter> logger)
    : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";

    private static readonly ConcurrentDictionary<MethodInfo, bool> SiloOnly = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is { } method
            && SiloOnly.GetOrAdd(method, static m => m.IsDefined(typeof(SiloOnlyAttribute), inherit: false))
            && !FromCluster(context.SourceId))
        {
            LogWarningRefused(logger, context.InterfaceName, context.MethodName, context.SourceId?.ToString() ?? "unknown");
            throw new SiloOnlyCallException(
                $"{context.InterfaceName}.{context.MethodName} may only be called by the cluster's silos, not by a client (the CLI, the HTTP API and other clients use the project, backfill and task commands)");
        }

        return context.Invoke();
    }

    private bool FromCluster(GrainId? source)
    {
        if (source is not { } caller)
        {
            return false;
        }

        if (!caller.IsClient())
        {
            return true;
        }

        var key = caller.Key.ToString();
        if (!key.StartsWith(HostedClientPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (!SiloAddress.TryParse(key[HostedClientPrefix.Length..], out var silo))
        {
            return false;
        }

        return silo.Equals(localSilo.SiloAddress)
            || (membership.CurrentSnapshot.Members.TryGetValue(silo, out var member) && member.Status != SiloStatus.Dead);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call to silo-only {Interface}.{Method} from {Caller}, which is not one of the cluster's silos")]
    private static partial void LogWarningRefused(ILogger logger, string @interface, string method, string caller);
}
