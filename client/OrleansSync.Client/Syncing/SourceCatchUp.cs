using System.Diagnostics;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Client.Syncing;

/// <summary>
/// What <c>sync --wait</c> waits for on a project whose tasks stream (a PostgreSQL capture) and so never end: every
/// task's applied position at or past where the source was when the command started (<see cref="Mark"/>). Records the
/// lag it saw: how far the furthest-behind task was, in bytes of the source's WAL, and how long catching up took.
/// </summary>
public sealed class SourceCatchUp(ulong mark)
{
    private readonly Stopwatch _since = Stopwatch.StartNew();

    /// <summary>The source's position when the command started.</summary>
    public ulong Mark { get; } = mark;

    /// <summary>How far behind <see cref="Mark"/> the furthest-behind task was when first seen with a position; null before.</summary>
    public ulong? LagBytes { get; private set; }

    /// <summary>From reading <see cref="Mark"/> to seeing every task at it; null until then.</summary>
    public double? LagSeconds { get; private set; }

    /// <summary>Whether every task of <paramref name="run"/> has applied everything up to <see cref="Mark"/>.</summary>
    public bool Reached(RunView run, IReadOnlyList<TaskView> tasks)
    {
        var positions = run.Tasks.Select(r => tasks.FirstOrDefault(t => t.Spec.TaskId == r.TaskId)?.AppliedPosition).ToList();
        if (LagBytes is null && positions.Any(static p => p is not null))
        {
            LagBytes = positions.Where(static p => p is not null).Max(p => p!.Value >= Mark ? 0 : Mark - p.Value);
        }

        if (positions.Count == 0 || positions.Any(p => p is null || p < Mark))
        {
            return false;
        }

        LagBytes ??= 0;
        LagSeconds = _since.Elapsed.TotalSeconds;
        return true;
    }

    /// <summary>Tells the tasks still behind that a caller waits, so a quiet one checkpoints now rather than at its next idle report.</summary>
    public async Task NudgeAsync(IClusterClient client, IReadOnlyList<TaskView> tasks, CancellationToken cancellationToken)
    {
        foreach (var task in tasks.Where(t => !t.IsTerminal && (t.AppliedPosition is null || t.AppliedPosition < Mark)))
        {
            await client.GetGrain<ISyncTaskGrain>(task.Spec.TaskId).WantPositionAsync(Mark, cancellationToken);
        }
    }

    /// <summary>The source's position as PostgreSQL prints an LSN (high and low 32 bits in hex).</summary>
    public static string Text(ulong position) => $"{position >> 32:X}/{position & 0xFFFFFFFF:X}";
}
