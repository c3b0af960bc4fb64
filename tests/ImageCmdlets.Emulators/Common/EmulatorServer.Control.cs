using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using Microsoft.AspNetCore.Http;

namespace ImageCmdlets.Emulators.Common;

/// <summary>
/// The control API, the same for every emulator, served on the emulator's own port under
/// <see cref="ControlPrefix"/>: JSON in and out, never signed, never reached by the module (its paths
/// are not API paths of any provider). The README's "Emulators" section lists the endpoints.
/// </summary>
public abstract partial class EmulatorServer
{
    public const string ControlPrefix = "/_emulator";

    /// <summary>Most images one seed entry may ask for, so a typo cannot fill the memory.</summary>
    private const int MaxSeedCount = 10_000;
    private const int MaxFaultCount = 1_000;
    private const int DefaultSeedSizeGiB = 40;

    /// <summary>What GET /_emulator answers: where the emulator is, how to sign in, what it models.</summary>
    public JsonValue Describe()
    {
        var key = PrimaryKey;
        var conditions = JsonValue.NewObject();
        foreach (var condition in Conditions) conditions.Set(condition.Key, condition.Value);
        var environment = JsonValue.NewObject();
        foreach (var variable in ClientEnvironment) environment.Set(variable.Key, variable.Value);
        return JsonValue.NewObject()
            .Set("provider", Provider)
            .Set("endpoint", BaseUri.ToString())
            .Set("endpointParameter", EndpointIsParameter)
            .Set("regions", JsonValue.FromStrings(RegionNames))
            .Set("defaultRegion", DefaultRegion)
            .Set("accessKeyId", key?.Id)
            .Set("secret", key?.Secret)
            .Set("environment", environment)
            .Set("conditions", conditions)
            .Set("idExample", ProviderRegistry.Find(Provider).Capabilities.ImageIdExample)
            .Set("images", ListImages().Count)
            .Set("latencyMs", (long)Latency.TotalMilliseconds);
    }

    /// <summary>Adds one image in a condition the emulator models; the expected error is what a delete of it gives.</summary>
    public SeededImage SeedImage(ImageSeed seed)
    {
        if (!Conditions.TryGetValue(seed.Condition, out var expectedError))
            throw new ArgumentException($"{Provider} does not model the condition '{seed.Condition}'.", nameof(seed));
        return new SeededImage(CreateImage(seed), seed.Condition, expectedError);
    }

    /// <summary>The images the emulated account has now.</summary>
    public IReadOnlyList<EmulatedImage> CurrentImages => ListImages();

    /// <summary>Back to a fresh emulator: no images, faults, calls, deletions or settings. The keys stay.</summary>
    public void Reset(bool withSample = false)
    {
        RemoveAllImages();
        _faults.Clear();
        lock (_logGate)
        {
            _calls.Clear();
            _deleted.Clear();
        }
        Latency = TimeSpan.Zero;
        RandomFaults = null;
        StartOutage(TimeSpan.Zero);
        lock (_recentCalls) _recentCalls.Clear();
        ResetProviderState();
        if (withSample) SeedSample();
    }

    private EmulatorResponse ServeControl(HttpRequest request, string body)
    {
        var path = (request.Path.Value ?? "").TrimEnd('/');
        try
        {
            return (request.Method, path.Substring(ControlPrefix.Length)) switch
            {
                ("GET", "") => Answer(Describe()),
                ("GET", "/images") => Answer(ImagesAnswer(ListImages())),
                ("POST", "/images") => Answer(SeedImages(Parse(body))),
                ("DELETE", "/images") => Answer(RemoveImages()),
                ("GET", "/deleted") => Answer(JsonValue.NewObject().Set("deleted", JsonValue.FromStrings(DeletedImageIds))),
                ("POST", "/faults") => Answer(AddFaults(Parse(body))),
                ("POST", "/settings") => Answer(ApplySettings(Parse(body))),
                ("POST", "/keys") => Answer(AddKey(Parse(body))),
                ("GET", "/calls") => Answer(CallsSince(request.Query["since"].ToString())),
                ("POST", "/reset") => Answer(ResetAnswer(request.Query["sample"].ToString())),
                _ => ControlError(404, $"No control endpoint {request.Method} {path}. Endpoints: GET {ControlPrefix}, " +
                    $"GET|POST|DELETE {ControlPrefix}/images, GET {ControlPrefix}/deleted, POST {ControlPrefix}/faults, " +
                    $"POST {ControlPrefix}/settings, POST {ControlPrefix}/keys, GET {ControlPrefix}/calls?since=N, POST {ControlPrefix}/reset[?sample=true]."),
            };
        }
        catch (BadControlRequest ex)
        {
            return ControlError(400, ex.Message);
        }
    }

    /// <summary>POST /images: every entry is checked before any image is added, so a bad request adds none.</summary>
    private JsonValue SeedImages(JsonValue body)
    {
        var seeds = new List<ImageSeed>();
        foreach (var entry in RequiredArray(body, "images"))
        {
            var name = entry.GetString("name") is { Length: > 0 } n ? n : throw new BadControlRequest("Each image needs a \"name\".");
            var region = entry.GetString("region") ?? DefaultRegion;
            if (!RegionNames.Contains(region))
                throw new BadControlRequest($"{Provider} emulates regions {string.Join(", ", RegionNames)}, not '{region}'.");
            var condition = entry.GetString("condition") ?? ImageCondition.Deletable;
            if (!Conditions.ContainsKey(condition))
                throw new BadControlRequest($"{Provider} models the conditions {string.Join(", ", Conditions.Keys)}, not '{condition}'.");
            var createdAt = entry.GetString("createdAt") is { } text ? ParseTime(text) : Clock();
            var sizeGiB = (int)Bounded(entry, "sizeGiB", DefaultSeedSizeGiB, 1, 64 * 1024);
            var tags = (entry["tags"]?.Properties ?? Array.Empty<KeyValuePair<string, JsonValue>>())
                .ToDictionary(t => t.Key, t => t.Value.AsScalarText() ?? "", StringComparer.Ordinal);
            var count = Bounded(entry, "count", 1, 1, MaxSeedCount);
            for (var i = 0; i < count; i++)
                seeds.Add(new ImageSeed(count == 1 ? name : $"{name}-{i.ToString("0000", CultureInfo.InvariantCulture)}", region, condition, createdAt, sizeGiB, tags));
        }

        var added = JsonValue.NewArray();
        foreach (var seed in seeds)
            added.Add(ImageJson(CreateImage(seed)).Set("condition", seed.Condition).Set("expectedError", Conditions[seed.Condition]));
        return JsonValue.NewObject().Set("images", added);
    }

    private JsonValue RemoveImages()
    {
        var count = ListImages().Count;
        RemoveAllImages();
        return JsonValue.NewObject().Set("removed", count);
    }

    /// <summary>{"id":"...","secret":"...","token":"..."}: another key of the account; with a token, a temporary
    /// one (STS) that every request must present with its token, where the provider has such keys.</summary>
    private JsonValue AddKey(JsonValue body)
    {
        var id = body.GetString("id") is { Length: > 0 } i ? i : throw new BadControlRequest("A key needs an \"id\".");
        var secret = body.GetString("secret") is { Length: > 0 } k ? k : throw new BadControlRequest("A key needs a \"secret\".");
        RegisterKey(id, secret, body.GetString("token"));
        return JsonValue.NewObject().Set("id", id);
    }

    private JsonValue AddFaults(JsonValue body)
    {
        var faults = new List<Fault>();
        foreach (var entry in RequiredArray(body, "faults"))
        {
            var kindText = entry.GetString("kind");
            if (kindText is null || !Enum.GetNames<FaultKind>().Contains(kindText))
                throw new BadControlRequest($"Unknown fault kind '{kindText}'. Kinds: {string.Join(", ", Enum.GetNames<FaultKind>())}.");
            var delay = TimeSpan.FromMilliseconds(Bounded(entry, "delayMs", 0, 0, 600_000));
            var fault = new Fault(Enum.Parse<FaultKind>(kindText), entry.GetString("action"), delay);
            faults.AddRange(Enumerable.Repeat(fault, (int)Bounded(entry, "count", 1, 1, MaxFaultCount)));
        }
        InjectFaults(faults.ToArray());
        return JsonValue.NewObject().Set("pending", PendingFaults);
    }

    /// <summary>{"serviceUnavailable":0.05,"throttle":0.05,...,"timeoutDelayMs":3000,"seed":7}; {} or null turns them off.</summary>
    private static FaultRates? ParseFaultRates(JsonValue value)
    {
        if (value.Kind != JsonKind.Object || value.Properties.Count == 0) return null;
        double Rate(string name) => value[name] is { } v ? (double.TryParse(v.AsString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 1 ? d : throw new BadControlRequest($"faultRates.{name} must be a probability from 0 to 1.")) : 0;
        return new FaultRates
        {
            ServerError = Rate("serverError"),
            ServiceUnavailable = Rate("serviceUnavailable"),
            Throttle = Rate("throttle"),
            ConnectionReset = Rate("connectionReset"),
            Timeout = Rate("timeout"),
            ResetAfterProcessing = Rate("resetAfterProcessing"),
            MalformedBody = Rate("malformedBody"),
            TimeoutDelay = TimeSpan.FromMilliseconds(value.GetInt64("timeoutDelayMs") ?? 5000),
            Seed = (int)(value.GetInt64("seed") ?? 1),
        };
    }

    private JsonValue ApplySettings(JsonValue body)
    {
        foreach (var setting in body.Properties)
        {
            if (setting.Key == "latencyMs")
                Latency = TimeSpan.FromMilliseconds(Bounded(body, "latencyMs", 0, 0, 600_000));
            else if (setting.Key == "outageSeconds")
                StartOutage(TimeSpan.FromSeconds(Bounded(body, "outageSeconds", 0, 0, 3600)));
            else if (setting.Key == "faultRates")
                RandomFaults = ParseFaultRates(setting.Value);
            else if (!TryApplySetting(setting.Key, setting.Value))
                throw new BadControlRequest($"{Provider} has no setting '{setting.Key}' that takes {setting.Value.ToJson()}.");
        }
        return Describe();
    }

    private JsonValue CallsSince(string sinceText)
    {
        long since = 0;
        if (sinceText.Length > 0 && !long.TryParse(sinceText, NumberStyles.None, CultureInfo.InvariantCulture, out since))
            throw new BadControlRequest($"since must be a call number, not '{sinceText}'.");
        var calls = Calls.Where(c => c.Seq > since).ToList();
        var items = JsonValue.NewArray();
        foreach (var call in calls)
            items.Add(JsonValue.NewObject()
                .Set("seq", call.Seq)
                .Set("receivedAt", call.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Set("action", call.Action)
                .Set("status", call.Status)
                .Set("fault", call.FaultApplied));
        // "next" is what to pass as since to get only the calls after these.
        return JsonValue.NewObject().Set("calls", items).Set("next", calls.Count > 0 ? calls[^1].Seq : since);
    }

    private JsonValue ResetAnswer(string sample)
    {
        Reset(withSample: string.Equals(sample, "true", StringComparison.OrdinalIgnoreCase));
        return Describe();
    }

    private static JsonValue ImagesAnswer(IEnumerable<EmulatedImage> images)
    {
        var items = JsonValue.NewArray();
        foreach (var image in images) items.Add(ImageJson(image));
        return JsonValue.NewObject().Set("images", items);
    }

    private static JsonValue ImageJson(EmulatedImage image) => JsonValue.NewObject()
        .Set("id", image.Id).Set("name", image.Name).Set("region", image.Region).Set("state", image.State).Set("deleting", image.Deleting);

    private static JsonValue Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return JsonValue.NewObject();
        if (!JsonValue.TryParse(body, out var json) || json.Kind != JsonKind.Object)
            throw new BadControlRequest("The body must be a JSON object.");
        return json;
    }

    private static IReadOnlyList<JsonValue> RequiredArray(JsonValue body, string name) =>
        body[name] is { Kind: JsonKind.Array } array ? array.Items : throw new BadControlRequest($"The body needs an array \"{name}\".");

    private static long Bounded(JsonValue entry, string name, long fallback, long min, long max)
    {
        if (entry[name] is not { Kind: not JsonKind.Null } value) return fallback;
        return value.AsInt64() is { } number && number >= min && number <= max
            ? number
            : throw new BadControlRequest($"\"{name}\" must be a whole number from {min} to {max}.");
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new BadControlRequest($"createdAt must be an ISO 8601 time, not '{text}'.");

    private static EmulatorResponse Answer(JsonValue json) => new(200, json.ToJson());

    private static EmulatorResponse ControlError(int status, string message) =>
        new(status, JsonValue.NewObject().Set("error", message).ToJson());

    /// <summary>A control request the emulator cannot carry out: answered 400 with its message.</summary>
    private sealed class BadControlRequest : Exception
    {
        public BadControlRequest(string message) : base(message) { }
    }
}
