namespace OrleansSync.Security;

/// <summary>
/// Marks a grain method that only the cluster's own silos may call (their grains, or their services through the silo's
/// own client): bookkeeping a task, the budget or the load board reports, never a user's request. A silo's incoming
/// call filter refuses a call to it from a client with <see cref="SiloOnlyCallException"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SiloOnlyAttribute : Attribute;
