namespace OrleansSync.Schema;

/// <summary>What one migration run did.</summary>
/// <param name="Applied">Ids applied by this run, in order.</param>
/// <param name="AlreadyApplied">Ids found already applied (by an earlier run or a concurrent migrator).</param>
public sealed record class MigrationReport(IReadOnlyList<string> Applied, IReadOnlyList<string> AlreadyApplied);
