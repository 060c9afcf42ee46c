namespace OrleansSync;

/// <summary>The grain storage every OrleansSync grain persists to (ADO.NET on PostgreSQL in the silo).</summary>
public static class GrainStorage
{
    public const string Name = "sync-store";
}
