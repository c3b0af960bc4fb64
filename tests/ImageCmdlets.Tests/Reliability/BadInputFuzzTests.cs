using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;
using Xunit;
using Xunit.Abstractions;

namespace ImageCmdlets.Tests.Reliability;

/// <summary>
/// Thousands of generated hostile inputs (injection, look-alikes, control characters, oversized) for every
/// value that reaches a host name, a path, a header or a file name: each is accepted only when harmless,
/// and otherwise refused before any call with a specific error id. Nothing crashes. The JSON reader gets
/// truncated, deeply nested, huge and invalid input: a clear error, never a hang or a crash.
/// </summary>
public class BadInputFuzzTests
{
    private const int Cases = 2_000;
    private static readonly Regex Harmless = new("^[A-Za-z0-9._-]+$");
    private readonly ITestOutputHelper _output;

    public BadInputFuzzTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Providers() => new(ProviderRegistry.Names);

    /// <summary>Strings built from the parts attacks are made of, seeded so a failure can be replayed.</summary>
    private static IEnumerable<string> Hostile(int seed, string valid)
    {
        var parts = new[]
        {
            valid, "/", "\\", "..", "\r", "\n", "\r\n", "\0", "\t", " ", "?", "#", "@", ":", ",", ";", "=", "&", "%0d%0a", "%2f",
            ".evil.example", "X-Evil: 1", "ｉｍｇ", "\u0131", "\u202e", "\ufeff", "😀", "'", "\"", "<", ">", "*", "[", "]",
            new string('a', 300), new string('9', 5000), "https://", "user:pass@", "localhost", "127.0.0.1", "-", "_",
        };
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 5); n > 0; n--) text.Append(parts[random.Next(parts.Length)]);
            yield return text.ToString();
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Image_ids_are_accepted_only_when_harmless(string provider)
    {
        var definition = ProviderRegistry.Find(provider);
        var accepted = 0;
        foreach (var id in Hostile(1, definition.Capabilities.ImageIdExample))
        {
            var problem = ImageIdCheck.Problem(id.Trim(), definition);
            if (problem is null)
            {
                Assert.Matches(Harmless, id.Trim());
                Assert.True(id.Trim().Length <= 128, $"an id of {id.Length} characters was accepted");
                accepted++;
            }
            else Assert.Contains(problem.Code, new[] { EngineErrors.MalformedImageId, EngineErrors.EmptyImageId });
        }
        _output.WriteLine($"{provider}: {Cases} generated ids, {accepted} accepted (all harmless), {Cases - accepted} refused before any call");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Regions_are_accepted_only_when_harmless(string provider)
    {
        var definition = ProviderRegistry.Find(provider);
        var handler = new CountingHandler();
        var transport = new HttpTransport(handler, TimeSpan.FromSeconds(1));
        var accepted = 0;
        foreach (var region in Hostile(2, definition.KnownRegions[0]))
        {
            try
            {
                var session = definition.Connect(new ConnectionRequest
                {
                    Region = region,
                    Endpoint = new Uri("http://127.0.0.1:9/"),
                    // Access-key providers connect without a call; OpenStack does so with a token, its project and a Glance URL.
                    Credential = provider == "OpenStack" ? null : new AccessKeyCredential("AKIDfuzz0000000000000001", new Secret("fuzz-secret")),
                    Environment = new FixedEnvironment(new Dictionary<string, string> { ["OS_TOKEN"] = "t", ["OS_PROJECT_ID"] = "p", ["OS_IMAGE_URL"] = "http://127.0.0.1:9/" }),
                    Transport = transport,
                });
                Assert.Matches(Harmless, session.Region);
                accepted++;
            }
            catch (ImageCmdletsConfigurationException ex)
            {
                Assert.Contains(ex.ErrorId, new[] { "InvalidRegion", "MissingRegion" });
                Assert.DoesNotContain("\n", ex.Message);
            }
        }
        Assert.Equal(0, handler.Requests);
        _output.WriteLine($"{provider}: {Cases} generated regions, {accepted} accepted (all harmless), {Cases - accepted} refused, 0 calls");
    }

    [Fact]
    public void Endpoints_are_https_or_loopback_http_and_never_carry_or_echo_a_password()
    {
        var refused = new Dictionary<string, int>();
        foreach (var endpoint in Hostile(3, "https://ecs.example.com").Concat(Hostile(4, "http://127.0.0.1:8080")))
        {
            try
            {
                var uri = EndpointPolicy.Parse(endpoint);
                Assert.True(uri.Scheme == Uri.UriSchemeHttps || EndpointPolicy.IsLoopback(uri), endpoint);
                Assert.Empty(uri.UserInfo);
            }
            catch (ImageCmdletsConfigurationException ex)
            {
                Assert.Contains(ex.ErrorId, new[] { "InvalidEndpoint", "InsecureEndpoint", "CredentialInEndpoint" });
                Assert.DoesNotContain("pass", ex.Message.Replace("password", "", StringComparison.Ordinal), StringComparison.Ordinal);
                refused[ex.ErrorId] = refused.TryGetValue(ex.ErrorId, out var n) ? n + 1 : 1;
            }
        }
        _output.WriteLine($"{2 * Cases} generated endpoints; refused: {string.Join(", ", refused.Select(r => $"{r.Key} {r.Value}"))}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Profile_names_never_reach_outside_the_home_folder_nor_crash(string provider)
    {
        using var home = new TempHome();
        var definition = ProviderRegistry.Find(provider);
        var outcomes = new Dictionary<string, int>();
        foreach (var name in Hostile(5, "default").Concat(new[] { "../../../../etc/passwd", "..", "/etc/passwd", "C:\\Windows\\win.ini" }))
        {
            var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => definition.Connect(new ConnectionRequest
            {
                ProfileName = name,
                Region = definition.KnownRegions[0],
                Environment = home.Environment(),
            }));
            Assert.DoesNotContain("root:", ex.Message);
            outcomes[ex.ErrorId] = outcomes.TryGetValue(ex.ErrorId, out var n) ? n + 1 : 1;
        }
        _output.WriteLine($"{provider}: {Cases + 4} generated profile names, all refused: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
    }

    [Fact]
    public void The_JSON_reader_answers_every_broken_document_quickly_without_crashing()
    {
        var documents = new List<string>
        {
            new string('[', 100_000) + new string(']', 100_000),
            "{\"a\":" + new string('9', 100_000) + "}",
            "[1e999999999, -1e-999999999, 123456789012345678901234567890]",
            "\"\\ud800\"", "\"\\u12\"", "{\"a\":\"\u0000\"}", "{", "}", "[,]", "{\"a\" 1}", "nul", "tru", "\"unterminated",
        };
        var valid = "{\"Response\":{\"ImageSet\":[{\"ImageId\":\"img-12345678\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],\"Size\":50,\"Ok\":true}],\"TotalCount\":1,\"RequestId\":\"r\"}}";
        var random = new Random(6);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(valid);
            var cut = bytes.Take(random.Next(bytes.Length)).ToArray();
            if (random.Next(2) == 0 && cut.Length > 0) cut[random.Next(cut.Length)] = (byte)random.Next(256); // invalid UTF-8 too
            documents.Add(Crypto.Utf8Text(cut, cut.Length));
        }
        var watch = Stopwatch.StartNew();
        var parsed = 0;
        foreach (var document in documents)
        {
            var each = Stopwatch.StartNew();
            if (JsonValue.TryParse(document, out _)) parsed++;
            else Assert.Throws<FormatException>(() => JsonValue.Parse(document));
            Assert.True(each.Elapsed < TimeSpan.FromSeconds(2), "the reader took too long on one document");
        }
        _output.WriteLine($"JSON reader: {documents.Count} broken documents (truncated, corrupted bytes, 100,000-deep nesting, 100,000-digit numbers): {parsed} still valid JSON, the rest refused with FormatException, {watch.ElapsedMilliseconds} ms in all");
    }

    private sealed class CountingHandler : System.Net.Http.HttpMessageHandler
    {
        public int Requests;
        protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
        {
            System.Threading.Interlocked.Increment(ref Requests);
            return System.Threading.Tasks.Task.FromResult(new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError));
        }
    }
}
