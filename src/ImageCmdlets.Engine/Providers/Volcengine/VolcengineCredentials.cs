using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>
/// Resolves credentials and region the way Volcengine's own tools do, in the module's order (design.md §5):
/// <list type="number">
/// <item>-Credential;</item>
/// <item>with -ProfileName, that profile of the ve CLI's config.json (it must exist: a missing one is an error, never a fallback);</item>
/// <item>VOLCENGINE_ACCESS_KEY / VOLCENGINE_SECRET_KEY (+ VOLCENGINE_SESSION_TOKEN), as the SDKs read them;</item>
/// <item>without -ProfileName, the default profile: the one VOLCENGINE_PROFILE names (it must exist), else the file's
/// "current", else "default" (the SDK's order).</item>
/// </list>
/// The file is ~/.volcengine/config.json, or VOLCENGINE_CLI_CONFIG_FILE. Region: -Region, VOLCENGINE_REGION,
/// the profile's region, else an error. Only access key profiles (mode "ak") are supported.
/// </summary>
internal static class VolcengineCredentials
{
    public const string AccessKeyVariable = "VOLCENGINE_ACCESS_KEY";
    public const string SecretKeyVariable = "VOLCENGINE_SECRET_KEY";
    public const string SessionTokenVariable = "VOLCENGINE_SESSION_TOKEN";
    public const string RegionVariable = "VOLCENGINE_REGION";
    public const string ProfileVariable = "VOLCENGINE_PROFILE";
    public const string ConfigFileVariable = "VOLCENGINE_CLI_CONFIG_FILE";
    public const string DefaultProfile = "default";

    public const string Help =
        "Use -Credential (user = AccessKey ID, password = SecretAccessKey), set VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY " +
        "(and VOLCENGINE_SESSION_TOKEN for temporary keys), or run 've configure set' (~/.volcengine/config.json).";

    private const string Provider = VolcengineProvider.ProviderName;

    /// <summary>What may go into the Authorization header's Credential= (no separator, space or line break).</summary>
    private static readonly Regex AccessKeyIdShape = new("^[A-Za-z0-9._=+-]{1,256}$", RegexOptions.CultureInvariant);
    /// <summary>What may go into the X-Security-Token header: visible ASCII.</summary>
    private static readonly Regex TokenShape = new("^[\\x21-\\x7E]{1,16384}$", RegexOptions.CultureInvariant);

    public static AccessKeySettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        AccessKeyCredential? credential;
        Profile? profile;
        if (CredentialResolution.FirstNonEmpty(request.ProfileName) is { } named)
        {
            profile = FindNamed(env, named, "");
            // A profile without keys (a region-only one) takes them from the environment.
            credential = request.Credential ?? profile.Credential() ?? FromEnvironment(env);
        }
        else
        {
            credential = request.Credential ?? FromEnvironment(env);
            profile = null;
            // The default profile is read only when something is still missing, so a broken file that is not
            // needed cannot stop a run.
            if (credential is null || CredentialResolution.FirstNonEmpty(request.Region, env.GetVariable(RegionVariable)) is null)
            {
                if (CredentialResolution.FirstNonEmpty(env.GetVariable(ProfileVariable)) is { } variableName)
                    profile = FindNamed(env, variableName, $" (named by {ProfileVariable})");
                else if (CliConfig.Load(env) is { } config)
                    profile = config.Find(config.Current ?? DefaultProfile) ?? config.Find(DefaultProfile);
                credential ??= profile?.Credential();
            }
        }
        if (credential is null) throw CredentialResolution.Missing(Provider, Help);
        RequireHeaderSafe(credential);

        var region = CredentialResolution.RequireRegion(Provider, request.Region, env.GetVariable(RegionVariable), profile?.Region, RegionVariable);
        return new AccessKeySettings(credential, region);
    }

    /// <summary>Every profile of the ve CLI's config.json.</summary>
    public static IEnumerable<string> ProfileNames(IEnvironmentReader env) => CliConfig.Load(env)?.Names ?? Array.Empty<string>();

    private static AccessKeyCredential? FromEnvironment(IEnvironmentReader env) =>
        CredentialResolution.FromEnvironment(env, AccessKeyVariable, SecretKeyVariable, SessionTokenVariable);

    private static Profile FindNamed(IEnvironmentReader env, string name, string namedBy) =>
        CliConfig.Load(env)?.Find(name)
        ?? throw CredentialResolution.ProfileNotFound(Provider, name, CliConfig.PathOf(env) + namedBy);

    /// <summary>
    /// The access key id and the token go into headers: a line break or separator there would bend the request,
    /// so such a credential is refused before anything is sent (the token itself is never shown).
    /// </summary>
    private static void RequireHeaderSafe(AccessKeyCredential credential)
    {
        if (!AccessKeyIdShape.IsMatch(credential.Id))
            throw new ImageCmdletsConfigurationException("InvalidCredential",
                $"The Volcengine access key id from {credential.Source} is not shaped like one (letters, digits and . _ = + - only). Nothing was sent.",
                ErrorKind.Authentication);
        if (credential.SessionToken is { } token && !TokenShape.IsMatch(token.Reveal()))
            throw new ImageCmdletsConfigurationException("InvalidCredential",
                $"The Volcengine session token from {credential.Source} holds spaces, line breaks or non-ASCII characters. Nothing was sent.",
                ErrorKind.Authentication);
    }

    private static ImageCmdletsConfigurationException InvalidFile(string message) =>
        new("InvalidCredentialFile", message, ErrorKind.Authentication);

    /// <summary>
    /// One profile of the ve CLI's config. One whose credential cannot be used (unsupported mode, one key
    /// missing) still gives its region; the problem is raised only when its credential is needed.
    /// </summary>
    private sealed class Profile
    {
        private readonly AccessKeyCredential? _credential;
        private readonly ImageCmdletsConfigurationException? _problem;

        public Profile(AccessKeyCredential? credential, ImageCmdletsConfigurationException? problem, string? region)
        {
            _credential = credential;
            _problem = problem;
            Region = region;
        }

        public string? Region { get; }

        /// <summary>The profile's keys; null when it has none (a region-only profile); an error when they are unusable.</summary>
        public AccessKeyCredential? Credential() => _problem is null ? _credential : throw _problem;
    }

    /// <summary>
    /// The ve CLI's config.json: <c>{"current":"…","profiles":{"&lt;name&gt;":{"mode":"ak","access-key","secret-key",
    /// "session-token","region",…}}}</c> (profiles is an object keyed by name).
    /// </summary>
    private sealed class CliConfig
    {
        private readonly JsonValue _root;
        private readonly string _path;

        private CliConfig(JsonValue root, string path)
        {
            _root = root;
            _path = path;
        }

        public string? Current => CredentialResolution.FirstNonEmpty(_root.GetString("current"));

        public static string PathOf(IEnvironmentReader env) =>
            CredentialResolution.FirstNonEmpty(env.GetVariable(ConfigFileVariable))
            ?? CredentialResolution.HomePath(env, ".volcengine", "config.json");

        /// <summary>The file; null when absent. A broken file is an error that never quotes it (it holds secrets).</summary>
        public static CliConfig? Load(IEnvironmentReader env)
        {
            var path = PathOf(env);
            if (!File.Exists(path)) return null;
            if (!JsonValue.TryParse(File.ReadAllText(path), out var root) || root.Kind != JsonKind.Object)
                throw InvalidFile($"{path} is not a valid ve CLI configuration (JSON).");
            return new CliConfig(root, path);
        }

        public IEnumerable<string> Names =>
            _root["profiles"] is { Kind: JsonKind.Object } profiles ? profiles.Properties.Select(p => p.Key).ToArray() : Array.Empty<string>();

        public Profile? Find(string name)
        {
            if (_root["profiles"] is not { Kind: JsonKind.Object } profiles || profiles[name] is not { Kind: JsonKind.Object } entry) return null;

            var where = $"profile '{name}' in {_path}";
            var region = CredentialResolution.FirstNonEmpty(entry.GetString("region"));
            var mode = CredentialResolution.FirstNonEmpty(entry.GetString("mode")) ?? "ak";
            if (!string.Equals(mode, "ak", StringComparison.OrdinalIgnoreCase))
                return new Profile(null, new ImageCmdletsConfigurationException("UnsupportedProfileMode",
                    $"The Volcengine {where} uses mode '{mode}', which ImageCmdlets does not support (supported: ak). " +
                    "Use an access key profile, the VOLCENGINE_* environment variables, or -Credential.", ErrorKind.Authentication), region);
            var id = CredentialResolution.FirstNonEmpty(entry.GetString("access-key"));
            var secret = CredentialResolution.FirstNonEmpty(entry.GetString("secret-key"));
            if (id is null && secret is null) return new Profile(null, null, region);
            if (id is null || secret is null)
                return new Profile(null, InvalidFile($"The Volcengine {where} holds only one of access-key and secret-key."), region);
            var token = CredentialResolution.FirstNonEmpty(entry.GetString("session-token"));
            return new Profile(new AccessKeyCredential(id, new Secret(secret), token is null ? null : new Secret(token), where), null, region);
        }
    }
}
