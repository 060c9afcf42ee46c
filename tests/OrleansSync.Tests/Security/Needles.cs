using System.Text;

namespace OrleansSync.Tests.Security;

/// <summary>
/// Secret values a test planted, each in every form it could take where it lands: as text, as the hex PostgreSQL
/// prints for bytea (grain state is binary), and inside an HTTP Basic header. Findings name the secret, never its value.
/// </summary>
public sealed class Needles
{
    private readonly List<(string Name, string Form)> _forms = [];

    public void Add(string name, string value, string? basicUser = null)
    {
        _forms.Add((name, value));
        _forms.Add(($"{name} (hex)", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value))));
        if (basicUser is not null)
        {
            _forms.Add(($"{name} (basic)", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basicUser}:{value}"))));
        }
    }

    public IReadOnlyList<(string Name, string Form)> Forms => _forms;

    /// <summary>Which secrets (by name) <paramref name="text"/> holds.</summary>
    public IEnumerable<string> FoundIn(string text) =>
        _forms.Where(f => text.Contains(f.Form, StringComparison.OrdinalIgnoreCase)).Select(static f => f.Name);
}
