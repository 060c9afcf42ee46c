using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansSync.Emulator.Json;

/// <summary>
/// A response body written with <see cref="Utf8JsonWriter"/>: field order, nulls, <c>{}</c> and malformed fields
/// are exactly as written, which a serializer of model types would not promise.
/// </summary>
internal sealed class JsonBody(ReadOnlyMemory<byte> body, int statusCode) : IResult
{
    /// <summary>Raw UTF-8 for non-ASCII text, as ACC answers; quotes, backslashes and controls still escaped.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<KeyValuePair<string, string>> _headers = [];

    public int StatusCode { get; } = statusCode;

    public ReadOnlyMemory<byte> Body { get; } = body;

    public static JsonBody Write(Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK)
    {
        return new JsonBody(WriteBytes(write), statusCode);
    }

    public static ReadOnlyMemory<byte> WriteBytes(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenMemory;
    }

    public JsonBody WithHeader(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
