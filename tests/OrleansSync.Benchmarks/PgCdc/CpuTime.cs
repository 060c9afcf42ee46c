using System.Globalization;

namespace OrleansSync.Benchmarks.PgCdc;

/// <summary>
/// CPU time read from /proc, in seconds: of given processes, of every process named <c>postgres</c> (the servers'
/// backends, walsenders and helpers, of every server on the machine), and of the whole machine (every core, not idle).
/// Two readings apart give the cores each used over the time between.
/// </summary>
public sealed record class CpuTime(double Processes, double Postgres, double Machine, DateTimeOffset At)
{
    private const double TicksPerSecond = 100;

    public static CpuTime Read(IReadOnlyCollection<int> processIds)
    {
        var (processes, postgres) = (0L, 0L);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || Ticks(pid) is not ({ } name, var ticks))
            {
                continue;
            }

            processes += processIds.Contains(pid) ? ticks : 0;
            postgres += name == "postgres" ? ticks : 0;
        }

        // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
        var machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(static v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var busy = machine.Sum() - machine[3] - machine[4];
        return new CpuTime(processes / TicksPerSecond, postgres / TicksPerSecond, busy / TicksPerSecond, DateTimeOffset.UtcNow);
    }

    /// <summary>The cores used from <paramref name="earlier"/> to this reading: of the processes, of postgres, of the machine.</summary>
    public (double Processes, double Postgres, double Machine) CoresSince(CpuTime earlier)
    {
        var seconds = (At - earlier.At).TotalSeconds;
        return ((Processes - earlier.Processes) / seconds, (Postgres - earlier.Postgres) / seconds, (Machine - earlier.Machine) / seconds);
    }

    /// <summary>A process's name and user plus system ticks (fields 2, 14 and 15 of /proc/pid/stat), or null once it is gone.</summary>
    private static (string? Name, long Ticks) Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The name is in parentheses and may hold spaces; the fields after it are counted from its end.
            var (open, close) = (stat.IndexOf('(', StringComparison.Ordinal), stat.LastIndexOf(')'));
            var fields = stat[(close + 2)..].Split(' ');
            return (stat[(open + 1)..close], long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return (null, 0);
        }
    }
}
