using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A whole response body in pooled memory, read within <see cref="AccBodyLimits"/>: the resilience pipeline bounds
/// the time to the headers only, and a body that stalls after them would otherwise hold the caller forever.
/// Dispose it (after any <see cref="JsonDocument"/> parsed from it) to give the memory back.
/// </summary>
internal sealed class AccBody : IDisposable
{
    private const int FirstBufferBytes = 16 * 1024;

    private byte[]? _buffer;
    private int _length;

    private AccBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(AccBody))).AsMemory(0, _length);

    /// <summary>The body of <paramref name="response"/>, whole, or an <see cref="AccBodyException"/> saying why not.</summary>
    public static async Task<AccBody> ReadAsync(HttpResponseMessage response, string endpoint, AccBodyLimits limits, CancellationToken cancellationToken)
    {
        var headers = response.Content.Headers;
        if (headers.ContentType?.MediaType is { } mediaType && !IsJson(mediaType))
        {
            // Proxies and gateways answer HTML pages, sometimes with 200; reading one is pointless.
            throw new AccBodyException(endpoint, $"the body is {mediaType}, not JSON");
        }

        var announced = headers.ContentLength;
        if (announced > limits.MaxBytes)
        {
            throw new AccBodyException(endpoint, Invariant($"the body is larger than {Size(limits.MaxBytes)} ({announced:N0} bytes announced)"));
        }

        // One byte more than announced, so the read that confirms the end needs no larger buffer.
        var body = new AccBody(announced is { } length ? (int)length + 1 : FirstBufferBytes);
        try
        {
            await body.FillAsync(response, endpoint, announced, limits, cancellationToken);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>The body as JSON; text that is not JSON is a malformed answer.</summary>
    public JsonDocument ParseJson(string endpoint)
    {
        var json = Memory;
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        try
        {
            // The document reads the pooled memory in place; it must be disposed before this body is.
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new AccBodyException(endpoint, $"the body is not JSON ({e.Message})", e);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task FillAsync(HttpResponseMessage response, string endpoint, long? announced, AccBodyLimits limits, CancellationToken cancellationToken)
    {
        var lastData = limits.Time.GetTimestamp();
        using var timeout = new CancellationTokenSource(limits.Timeout, limits.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            while (true)
            {
                var room = Room(limits.MaxBytes);
                var read = await stream.ReadAsync(room, linked.Token);
                if (read == 0)
                {
                    break;
                }

                _length += read;
                lastData = limits.Time.GetTimestamp();
                if (_length > limits.MaxBytes)
                {
                    throw new AccBodyException(endpoint, $"the body is larger than {Size(limits.MaxBytes)}");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException
            && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AccBodyException(endpoint, Stalled(limits, limits.Time.GetElapsedTime(lastData)), e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new AccBodyException(endpoint, CutShort(announced), e);
        }

        // HttpClient itself reports a connection closed early; this catches a content stream that does not.
        if (_length < announced)
        {
            throw new AccBodyException(endpoint, CutShort(announced));
        }
    }

    /// <summary>Free space to read into, growing the buffer up to one byte past the limit (which tells "too large").</summary>
    private Memory<byte> Room(int maxBytes)
    {
        var buffer = _buffer!;
        var capacity = Math.Min(buffer.Length, maxBytes + 1);
        if (_length < capacity)
        {
            return buffer.AsMemory(_length, capacity - _length);
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, maxBytes + 1L));
        buffer.AsSpan(0, _length).CopyTo(larger);
        _buffer = larger;
        ArrayPool<byte>.Shared.Return(buffer);
        return larger.AsMemory(_length, Math.Min(larger.Length, maxBytes + 1) - _length);
    }

    private string Stalled(AccBodyLimits limits, TimeSpan idle) =>
        // A body that stopped names how long it was silent; one that kept trickling names the bound it ran past.
        idle >= limits.Timeout / 2
            ? Invariant($"the body stalled after {_length:N0} bytes for {Seconds(idle)}")
            : Invariant($"the body was still arriving after {Seconds(limits.Timeout)} ({_length:N0} bytes so far)");

    private string CutShort(long? announced) => announced is { } total
        ? Invariant($"the body was cut short after {_length:N0} of {total:N0} bytes")
        : Invariant($"the body was cut short after {_length:N0} bytes");

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string Seconds(TimeSpan time) => Invariant($"{time.TotalSeconds:0.#} s");

    private static string Size(long bytes) => bytes switch
    {
        _ when bytes % (1024 * 1024) == 0 => Invariant($"{bytes / (1024 * 1024)} MiB"),
        _ when bytes % 1024 == 0 => Invariant($"{bytes / 1024} KiB"),
        _ => Invariant($"{bytes:N0} bytes"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
