namespace OrleansSync.Sources;

/// <summary>The source kinds this silo knows, by name. A project, task or backfill stored before kinds were named has none: it is the default kind's.</summary>
public sealed class SourceKinds
{
    private readonly Dictionary<string, ISourceKind> _kinds;
    private readonly ISourceKind _default;

    public SourceKinds(IEnumerable<ISourceKind> kinds, DefaultSourceKind defaultKind)
    {
        _kinds = kinds.ToDictionary(static k => k.Name, StringComparer.Ordinal);
        _default = _kinds.Values.SingleOrDefault(k => k.GetType() == defaultKind.Type)
            ?? throw new InvalidOperationException($"The default source kind {defaultKind.Type.Name} is not registered.");
        Names = [.. _kinds.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every kind's name, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The kind named <paramref name="name"/>; the default kind when it is null or empty (stored before kinds were named).</summary>
    /// <exception cref="InvalidRequestException">No kind has that name.</exception>
    public ISourceKind Of(string? name) =>
        string.IsNullOrEmpty(name) ? _default
        : _kinds.TryGetValue(name, out var kind) ? kind
        : throw new InvalidRequestException($"Unknown source '{name}' (--source): the source kinds are {string.Join(", ", Names)}.");
}

/// <summary>The kind a project, task or backfill is of when its stored state names none.</summary>
public sealed record class DefaultSourceKind(Type Type);
