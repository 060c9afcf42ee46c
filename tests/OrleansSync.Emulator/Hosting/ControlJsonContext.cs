using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Mutations;
using OrleansSync.Emulator.RateLimiting;
using OrleansSync.Emulator.Stats;

namespace OrleansSync.Emulator.Hosting;

/// <summary>Serialization of the emulator's own <c>/__</c> endpoints; unknown fields in a body are an error.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatsSnapshot))]
[JsonSerializable(typeof(MutationResult))]
[JsonSerializable(typeof(FaultPatch))]
[JsonSerializable(typeof(FaultView))]
[JsonSerializable(typeof(LimitsPatch))]
[JsonSerializable(typeof(LimitsView))]
[JsonSerializable(typeof(InfoView))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
