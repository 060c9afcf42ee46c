using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace OrleansSync.Client.Cli;

/// <summary>Where a command writes: one JSON document on stdout with <c>--json</c>, tables for people otherwise.</summary>
public sealed class CliOutput(bool json, IAnsiConsole console, TextWriter output, TextWriter error)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public bool Json { get; } = json;

    public IAnsiConsole Console { get; } = console;

    /// <summary>Notices for people that scripts must not parse (stderr).</summary>
    public TextWriter Error { get; } = error;

    public void WriteJson<T>(T document) => output.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
}
