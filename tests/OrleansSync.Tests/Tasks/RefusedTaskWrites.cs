using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Tasks;

/// <summary>
/// Makes PostgreSQL refuse every write of chosen tasks' grain state (a trigger on <c>orleansstorage</c>), until the
/// test lets them through again. The task ids go in a table, as parameters: the trigger's text holds no input.
/// </summary>
public static class RefusedTaskWrites
{
    public static Task InstallAsync(TestDatabase database, CancellationToken ct) =>
        database.ScalarAsync<object>(
            """
            CREATE TABLE sync.test_refused_tasks (task_id text PRIMARY KEY);
            CREATE FUNCTION sync.test_refuse_task_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.graintypestring = 'task' AND EXISTS (SELECT 1 FROM sync.test_refused_tasks WHERE task_id = NEW.grainidextensionstring) THEN
                    RAISE EXCEPTION 'test: the state of task % is refused', NEW.grainidextensionstring;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_task_write BEFORE INSERT OR UPDATE ON orleansstorage
                FOR EACH ROW EXECUTE FUNCTION sync.test_refuse_task_write();
            """,
            ct);

    public static Task RefuseAsync(TestDatabase database, string taskId, CancellationToken ct) =>
        database.ScalarAsync<object>("INSERT INTO sync.test_refused_tasks VALUES (@t)", ct, ("t", taskId));

    public static Task AllowAsync(TestDatabase database, string taskId, CancellationToken ct) =>
        database.ScalarAsync<object>("DELETE FROM sync.test_refused_tasks WHERE task_id = @t", ct, ("t", taskId));

    /// <summary>The task's row in <c>sync.progress</c>, as <c>task list</c> shows it.</summary>
    public static Task<string?> ProgressStatusAsync(TestDatabase database, string taskId, CancellationToken ct) =>
        database.ScalarAsync<string>("SELECT status FROM sync.progress WHERE task_id = @t", ct, ("t", taskId));
}
