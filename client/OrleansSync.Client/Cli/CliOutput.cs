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

    /// <summary><paramref name="document"/> with one more member, <paramref name="name"/>, at its root.</summary>
    public void WriteJson<T, TExtra>(T document, string name, TExtra extra)
    {
        var root = JsonSerializer.SerializeToNode(document, JsonOptions)!.AsObject();
        root[name] = JsonSerializer.SerializeToNode(extra, JsonOptions);
        output.WriteLine(root.ToJsonString(JsonOptions));
    }
}
