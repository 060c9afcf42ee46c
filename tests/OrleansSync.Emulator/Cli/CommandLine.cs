using System.Globalization;

namespace OrleansSync.Emulator.Cli;

/// <summary>Parses <c>--flag value</c> and <c>--flag=value</c> into <see cref="EmulatorOptions"/>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: OrleansSync.Emulator [flags]

        Network and clients:
          --host ADDR                 IP address to bind, 'localhost' or '*' (default 127.0.0.1)
          --port N                    port, 0 for a free one (default 18443)
          --client-id ID              client id of the main client (default demo-client)
          --client-secret SECRET      its secret (default demo-secret)
          --client ID:SECRET          one more client (repeatable)
          --account-id ID             Admin API account id (default derived from the seed)

        Dataset (same seed and sizes give byte-identical records):
          --seed N                    (default 42)
          --projects N                (default 3)
          --reviews N                 reviews per project (default 200)
          --workflows N               workflows per project (default 5)
          --versions N                file versions per review (default 3)
          --progress N                progress steps per review (default 3)
          --archived-share R          share of reviews archived, 0..1 (default 0.1)
          --inactive-share R          share of workflows INACTIVE, 0..1 (default 0.2)

        Rate limits per client id (0 turns one off):
          --rate-window SECONDS       window length (default 60)
          --reviews-rate N            Reviews API calls per window (default 200)
          --admin-rate N              Admin API calls per window (default 600)
          --token-rate N              token calls per window (default 500)
          --no-rate-limits            turn every quota off

        Faults (also changeable at run time with POST /__faults):
          --latency-ms N              fixed latency per upstream call (default 0)
          --jitter-ms N               extra random latency 0..N (default 0)
          --error-rate R              share of reviews/admin calls answering 500/503, 0..1 (default 0)
          --throttle-next N           the first N reviews/admin calls answer 429 (default 0)
          --throttle-retry-after S    Retry-After of those 429s (default 1)
          --throttle-retry-after-form F   seconds, http-date or missing (default seconds)
          --token-ttl S               token lifetime in seconds (default 3599)
          --malformed-rate R          share of reviews served malformed, 0..1 (default 0)
          --outage-status N           every upstream call answers this status, 400..599 (default 0, off)
          --stall-seconds S           longest stall of a stallBody hostile answer (default 600)

          --help                      show this text
        """;

    private static readonly Dictionary<string, Action<CommandLineResult, string>> Flags = new(StringComparer.Ordinal)
    {
        ["--host"] = (r, v) => r.Options.Host = v,
        ["--port"] = (r, v) => r.Options.Port = Int(v),
        ["--client-id"] = (r, v) => r.Options.Clients[0] = r.Options.Clients[0] with { ClientId = v },
        ["--client-secret"] = (r, v) => r.Options.Clients[0] = r.Options.Clients[0] with { ClientSecret = v },
        ["--client"] = (r, v) => r.Options.Clients.Add(Client(v)),
        ["--account-id"] = (r, v) => r.Options.AccountId = v,
        ["--seed"] = (r, v) => r.Options.Dataset.Seed = Int(v),
        ["--projects"] = (r, v) => r.Options.Dataset.Projects = Int(v),
        ["--reviews"] = (r, v) => r.Options.Dataset.ReviewsPerProject = Int(v),
        ["--workflows"] = (r, v) => r.Options.Dataset.WorkflowsPerProject = Int(v),
        ["--versions"] = (r, v) => r.Options.Dataset.VersionsPerReview = Int(v),
        ["--progress"] = (r, v) => r.Options.Dataset.ProgressStepsPerReview = Int(v),
        ["--archived-share"] = (r, v) => r.Options.Dataset.ArchivedShare = Double(v),
        ["--inactive-share"] = (r, v) => r.Options.Dataset.InactiveWorkflowShare = Double(v),
        ["--rate-window"] = (r, v) => r.Options.RateLimits = r.Options.RateLimits with { Window = Seconds(v) },
        ["--reviews-rate"] = (r, v) => r.Options.RateLimits = r.Options.RateLimits with { ReviewsPerWindow = Int(v) },
        ["--admin-rate"] = (r, v) => r.Options.RateLimits = r.Options.RateLimits with { AdminPerWindow = Int(v) },
        ["--token-rate"] = (r, v) => r.Options.RateLimits = r.Options.RateLimits with { TokenPerWindow = Int(v) },
        ["--latency-ms"] = (r, v) => r.Options.Faults = r.Options.Faults with { LatencyMs = Int(v) },
        ["--jitter-ms"] = (r, v) => r.Options.Faults = r.Options.Faults with { JitterMs = Int(v) },
        ["--error-rate"] = (r, v) => r.Options.Faults = r.Options.Faults with { ServerErrorRate = Double(v) },
        ["--throttle-next"] = (r, v) => r.ThrottleNext = Int(v),
        ["--throttle-retry-after"] = (r, v) => r.Options.Faults = r.Options.Faults with { ThrottleRetryAfterSeconds = Int(v) },
        ["--throttle-retry-after-form"] = (r, v) => r.Options.Faults = r.Options.Faults with { ThrottleRetryAfterForm = Form(v) },
        ["--token-ttl"] = (r, v) => r.Options.Faults = r.Options.Faults with { TokenTtlSeconds = Int(v) },
        ["--malformed-rate"] = (r, v) => r.Options.Faults = r.Options.Faults with { MalformedRate = Double(v) },
        ["--outage-status"] = (r, v) => r.Options.Faults = r.Options.Faults with { OutageStatus = Int(v) },
        ["--stall-seconds"] = (r, v) => r.Options.Faults = r.Options.Faults with { StallSeconds = Int(v) },
    };

    /// <summary>The options, or the reason the arguments are unusable.</summary>
    public static CommandLineResult Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLineResult(new EmulatorOptions { Port = 18443, Clients = [EmulatorClient.Demo] });
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                result.Help = true;
                return result;
            }

            if (arg == "--no-rate-limits")
            {
                result.Options.RateLimits = RateLimitOptions.Unlimited with { Window = result.Options.RateLimits.Window };
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!Flags.TryGetValue(name, out var apply))
            {
                return result.Fail($"unknown flag '{name}'");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return result.Fail($"flag '{name}' needs a value");
            }

            try
            {
                apply(result, value);
            }
            catch (FormatException e)
            {
                return result.Fail($"flag '{name}': {e.Message}");
            }
        }

        if (result.ThrottleNext < 0)
        {
            return result.Fail("--throttle-next must be 0 or more");
        }

        var errors = result.Options.Validate();
        return errors.Count > 0 ? result.Fail(string.Join("; ", errors)) : result;
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"'{value}' is not an integer");

    private static double Double(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new FormatException($"'{value}' is not a number");

    private static TimeSpan Seconds(string value)
    {
        var seconds = Double(value);
        return seconds is > 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"'{value}' must be more than 0 and at most 86400 seconds");
    }

    private static RetryAfterForm Form(string value) => value switch
    {
        "seconds" => RetryAfterForm.Seconds,
        "http-date" => RetryAfterForm.HttpDate,
        "missing" => RetryAfterForm.Missing,
        _ => throw new FormatException($"'{value}' is not seconds, http-date or missing"),
    };

    private static EmulatorClient Client(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < value.Length - 1
            ? new EmulatorClient(value[..colon], value[(colon + 1)..])
            : throw new FormatException($"'{value}' is not ID:SECRET");
    }
}
