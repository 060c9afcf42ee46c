using System.Globalization;
using System.Text.Json;

namespace OrleansSync.Benchmarks.Api;

/// <summary>
/// One client of <c>GET /api/v1/events</c>: reads the stream line by line, keeps every event id it got, and for each
/// progress event the delay from the event's <c>at</c> (stamped by the silo after the page's commit, on this
/// machine's clock) to the moment this client read it.
/// </summary>
internal sealed class SseSubscriber
{
    private readonly List<double> _delays = [];
    private readonly HashSet<long> _ids = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the feed's first event (<c>ready</c>) arrived: the subscription is in place.</summary>
    public Task Ready => _ready.Task;

    public long LastId { get; private set; }

    /// <summary>Every event id received (a copy).</summary>
    public HashSet<long> Ids
    {
        get
        {
            lock (_ids)
            {
                return [.. _ids];
            }
        }
    }

    /// <summary>Progress events' delays, in seconds (a copy).</summary>
    public List<double> Delays
    {
        get
        {
            lock (_ids)
            {
                return [.. _delays];
            }
        }
    }

    /// <summary>Reads until <paramref name="cancellationToken"/> ends the stream.</summary>
    public async Task ReadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var (type, id) = ("", (long?)null);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = long.Parse(line["id: ".Length..], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    Receive(type, id, line["data: ".Length..]);
                    (type, id) = ("", null);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The benchmark is done with this subscriber.
        }
    }

    private void Receive(string type, long? id, string data)
    {
        var now = DateTimeOffset.UtcNow;
        if (type == "ready")
        {
            _ready.TrySetResult();
            return;
        }

        lock (_ids)
        {
            if (id is { } received)
            {
                _ids.Add(received);
                LastId = Math.Max(LastId, received);
            }

            if (type == "progress")
            {
                using var document = JsonDocument.Parse(data);
                _delays.Add((now - document.RootElement.GetProperty("at").GetDateTimeOffset()).TotalSeconds);
            }
        }
    }
}
