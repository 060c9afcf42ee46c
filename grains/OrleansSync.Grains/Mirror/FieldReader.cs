using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace OrleansSync.Mirror;

/// <summary>
/// Reads the typed columns of one upstream record. A missing or null field is null (the API allows it);
/// a field of the wrong type is collected as an error, so one dead letter names every bad field at once.
/// </summary>
internal sealed class FieldReader
{
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
    private const string Unstorable = "holds an unpaired surrogate, which PostgreSQL jsonb cannot store";

    private readonly JsonElement _record;
    private readonly FieldReader? _parent;
    private readonly string _path;
    private List<string>? _errors;

    public FieldReader(JsonElement record)
        : this(record, null, string.Empty)
    {
    }

    private FieldReader(JsonElement record, FieldReader? parent, string path)
    {
        _record = record;
        _parent = parent;
        _path = path;
    }

    /// <summary>Every problem found so far, or null when the record is fine.</summary>
    public string? Error => _errors is null ? null : string.Join("; ", _errors);

    /// <summary>A required, non-empty string identity (an id, a urn).</summary>
    public string? Identity(string name)
    {
        if (!_record.TryGetProperty(name, out var value))
        {
            return Fail(name, "missing");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail(name, value.ValueKind == JsonValueKind.Null ? "is null" : $"expected a string, got {Describe(value.ValueKind)}");
        }

        if (!TryText(value, out var text))
        {
            return Fail(name, Unstorable);
        }

        return string.IsNullOrWhiteSpace(text) ? Fail(name, "is empty") : text;
    }

    public string? String(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v when TryText(v, out var text) => text,
        { ValueKind: JsonValueKind.String } => Fail(name, Unstorable),
        { } v => Mismatch<string>(name, "a string", v),
    };

    public long? Int64(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.Number } => Mismatch<long?>(name, "an integer", "a number that is not a 64-bit integer"),
        { } v => Mismatch<long?>(name, "an integer", v),
    };

    public bool? Boolean(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => Mismatch<bool?>(name, "a boolean", v),
    };

    /// <summary>An ISO 8601 instant as UTC; one without an offset is taken as UTC.</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        const string Expected = "an ISO 8601 timestamp string";
        if (Find(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Mismatch<DateTimeOffset?>(name, Expected, value);
        }

        if (!TryText(value, out var text))
        {
            return Fail<DateTimeOffset?>(name, Unstorable);
        }

        // The JSON reader decides what ISO 8601 is; the parse only pins offset-less values to UTC.
        return value.TryGetDateTimeOffset(out _) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out var parsed)
            ? parsed
            : Mismatch<DateTimeOffset?>(name, Expected, "a string that is not ISO 8601");
    }

    /// <summary>The fields of a nested object, its errors reported here as <c>name.field</c>; null when absent or null.</summary>
    public FieldReader? Object(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } v => new FieldReader(v, this, name + "."),
        { } v => Mismatch<FieldReader>(name, "an object", v),
    };

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "no value",
    };

    /// <summary>System.Text.Json refuses to unescape an unpaired surrogate; PostgreSQL's jsonb would refuse it too.</summary>
    private static bool TryText(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = value.GetString();
            return text is not null;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>The field's value, or null when it is absent or JSON null.</summary>
    private JsonElement? Find(string name) =>
        _record.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private T? Mismatch<T>(string name, string expected, JsonElement got) => Mismatch<T>(name, expected, Describe(got.ValueKind));

    private T? Mismatch<T>(string name, string expected, string got)
    {
        Fail(name, $"expected {expected} or null, got {got}");
        return default;
    }

    private T? Fail<T>(string name, string problem)
    {
        Fail(name, problem);
        return default;
    }

    private string? Fail(string name, string problem)
    {
        if (_parent is { } parent)
        {
            return parent.Fail(_path + name, problem);
        }

        (_errors ??= []).Add($"{name}: {problem}");
        return null;
    }
}
