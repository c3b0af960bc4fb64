using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>How one Huawei session authenticates: an access key (AK/SK signing) or an IAM token, and for which project.</summary>
internal sealed class HuaweiSettings
{
    public string Region { get; init; } = "";
    /// <summary>AK/SK signing; null when a token is used.</summary>
    public AccessKeyCredential? AccessKey { get; init; }
    /// <summary>The IAM token (an IAM user's, got from IAM, or one given as is); null when AK/SK signing is used.</summary>
    public KeystoneSettings? Token { get; init; }
    public string? ProjectId { get; init; }
    /// <summary>IAM: where an IAM user's token comes from, and where an access key's project is looked up.</summary>
    public Uri? IamEndpoint { get; init; }
}

/// <summary>
/// Resolves Huawei Cloud credentials, first match wins:
/// <list type="number">
/// <item>-Credential: an access key (user = AK, password = SK), or an IAM user written account\user (password = the
/// user's password), for whom a project-scoped token is got from IAM's POST /v3/auth/tokens;</item>
/// <item>-ProfileName: that section of the SDK's credentials file (it must exist);</item>
/// <item>HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN), the SDKs' variables;</item>
/// <item>HUAWEICLOUD_IAM_TOKEN: an IAM token used as is (ImageCmdlets' own name: the SDKs take no token);</item>
/// <item>the [basic] section of ~/.huaweicloud/credentials (or HUAWEICLOUD_SDK_CREDENTIALS_FILE): ak, sk, project_id, security_token, iam_endpoint.</item>
/// </list>
/// The project: HUAWEICLOUD_SDK_PROJECT_ID, else the file section's project_id; an IAM user's token is scoped to
/// it, or to the project named like the region. AK/SK signing needs it (every IMS call names it in X-Project-Id).
/// </summary>
internal static class HuaweiCredentials
{
    public const string AkVariable = "HUAWEICLOUD_SDK_AK";
    public const string SkVariable = "HUAWEICLOUD_SDK_SK";
    public const string SecurityTokenVariable = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    public const string ProjectIdVariable = "HUAWEICLOUD_SDK_PROJECT_ID";
    public const string CredentialsFileVariable = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
    public const string IamEndpointVariable = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    public const string TokenVariable = "HUAWEICLOUD_IAM_TOKEN";
    public const string DefaultSection = "basic";

    public const string Help =
        "Use -Credential (user = AK, password = SK; or user = account\\user and the IAM password), set HUAWEICLOUD_SDK_AK and " +
        "HUAWEICLOUD_SDK_SK (or HUAWEICLOUD_IAM_TOKEN), or write the [basic] section of ~/.huaweicloud/credentials; the project id " +
        "comes from HUAWEICLOUD_SDK_PROJECT_ID or the file's project_id.";

    /// <summary>Project ids are 32 hex digits; they go into a header, so nothing else is sent.</summary>
    private static readonly Regex ProjectIdPattern = new("^[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant);

    /// <summary>The settings for <paramref name="request"/>; <paramref name="iamEndpointOf"/> gives IAM's endpoint for a region, unless HUAWEICLOUD_SDK_IAM_ENDPOINT or the file's iam_endpoint names one.</summary>
    public static HuaweiSettings Resolve(ConnectionRequest request, Func<string, Uri> iamEndpointOf)
    {
        var env = request.Environment;
        var region = CredentialResolution.FirstNonEmpty(request.Region) ?? "";
        var file = CredentialsFile.Load(env);
        IniSection? section = null;
        if (CredentialResolution.FirstNonEmpty(request.ProfileName) is { } named)
            section = file?.Section(named) ?? throw CredentialResolution.ProfileNotFound(HuaweiProvider.ProviderName, named, CredentialsFile.PathOf(env));
        var projectId = Project(CredentialResolution.FirstNonEmpty(env.GetVariable(ProjectIdVariable)), ProjectIdVariable);
        // The file's project goes with keys given elsewhere too (-Credential, the SDK variables), as in the SDKs' own chain.
        var fileProject = (section ?? file?.Section(DefaultSection)) is { } projectSection ? Project(projectSection.Get("project_id"), projectSection.Path) : null;

        Uri? Iam(IniSection? from)
        {
            if (CredentialResolution.FirstNonEmpty(env.GetVariable(IamEndpointVariable), from?.Get("iam_endpoint")) is { } text)
                return EndpointPolicy.Require(Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri
                    : throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"The IAM endpoint '{text}' is not an absolute URL."), "IAM endpoint");
            return region.Length > 0 ? iamEndpointOf(region) : null;
        }

        if (request.Credential is { } given)
        {
            var slash = given.Id.IndexOf('\\');
            if (slash > 0 && slash < given.Id.Length - 1)
            {
                var account = given.Id.Substring(0, slash);
                var user = new AccessKeyCredential(given.Id.Substring(slash + 1), given.SecretKey, null, given.Source);
                return IamUser(region, account, user, projectId ?? fileProject, Iam(section));
            }
            return AccessKey(region, given, projectId ?? fileProject, Iam(section ?? file?.Section(DefaultSection)));
        }
        if (section is not null) return FromSection(section, region, projectId, Iam(section));
        if (CredentialResolution.FromEnvironment(env, AkVariable, SkVariable, SecurityTokenVariable) is { } fromEnvironment)
            return AccessKey(region, fromEnvironment, projectId ?? fileProject, Iam(file?.Section(DefaultSection)));
        if (CredentialResolution.FirstNonEmpty(env.GetVariable(TokenVariable)) is { } token)
            return new HuaweiSettings
            {
                Region = region,
                ProjectId = projectId,
                Token = new KeystoneSettings { Token = new Secret(token), ProjectId = projectId, Region = region, AdminRoleCounts = false },
            };
        if (file?.Section(DefaultSection) is { } basic) return FromSection(basic, region, projectId, Iam(basic));
        throw CredentialResolution.Missing(HuaweiProvider.ProviderName, Help);
    }

    /// <summary>The sections of the SDK's credentials file: what -ProfileName accepts.</summary>
    public static IEnumerable<string> ProfileNames(IEnvironmentReader env) => CredentialsFile.Load(env)?.SectionNames ?? Array.Empty<string>();

    private static HuaweiSettings FromSection(IniSection section, string region, string? projectId, Uri? iam)
    {
        var ak = CredentialResolution.FirstNonEmpty(section.Get("ak"));
        var sk = section.Get("sk");
        if (ak is null || string.IsNullOrEmpty(sk))
            throw new ImageCmdletsConfigurationException("InvalidCredentialFile",
                $"Section [{section.Name}] of {section.Path} holds no ak and sk pair.", ErrorKind.Authentication);
        var token = CredentialResolution.FirstNonEmpty(section.Get("security_token"));
        var key = new AccessKeyCredential(ak, new Secret(sk!), token is null ? null : new Secret(token), $"section [{section.Name}] of {section.Path}");
        return AccessKey(region, key, projectId ?? Project(section.Get("project_id"), section.Path), iam);
    }

    /// <summary>An access key; without a project id, the region's project is looked up in IAM before the first call.</summary>
    private static HuaweiSettings AccessKey(string region, AccessKeyCredential key, string? projectId, Uri? iam) =>
        new()
        {
            Region = region,
            AccessKey = key,
            IamEndpoint = iam,
            ProjectId = projectId ?? (region.Length > 0 ? null : throw new ImageCmdletsConfigurationException("MissingRegion",
                $"No region and no project id for provider {HuaweiProvider.ProviderName}: use -Region (such as cn-north-4), whose project is then " +
                $"looked up, or set {ProjectIdVariable}.")),
        };

    public static bool IsProjectId(string text) => ProjectIdPattern.IsMatch(text);

    private static HuaweiSettings IamUser(string region, string account, AccessKeyCredential user, string? projectId, Uri? iam)
    {
        if (iam is null || (projectId is null && region.Length == 0))
            throw new ImageCmdletsConfigurationException("MissingRegion",
                $"An IAM user's token comes from iam.<region> and is scoped to the region's project: use -Region (such as cn-north-4).");
        return new HuaweiSettings
        {
            Region = region,
            ProjectId = projectId,
            IamEndpoint = iam,
            Token = new KeystoneSettings
            {
                AuthUrl = iam,
                User = user,
                UserDomain = ("name", account),
                // Huawei names each region's default project after the region.
                ProjectId = projectId,
                ProjectName = projectId is null ? region : null,
                ProjectDomain = ("name", account),
                Region = region,
                AdminRoleCounts = false,
            },
        };
    }

    private static string? Project(string? value, string where)
    {
        if (CredentialResolution.FirstNonEmpty(value) is not { } id) return null;
        return ProjectIdPattern.IsMatch(id) ? id
            : throw new ImageCmdletsConfigurationException("InvalidProjectId",
                $"The project id from {where} is not 32 hex digits (as Huawei shows it under My Credentials). Nothing was sent.", ErrorKind.InvalidArgument);
    }

    /// <summary>One section of the SDK's INI credentials file.</summary>
    private sealed class IniSection
    {
        private readonly IniFile _file;

        public IniSection(IniFile file, string name, string path)
        {
            _file = file;
            Name = name;
            Path = path;
        }

        public string Name { get; }
        public string Path { get; }
        public string? Get(string key) => _file.Get(Name, key);
    }

    /// <summary>~/.huaweicloud/credentials (or HUAWEICLOUD_SDK_CREDENTIALS_FILE), read once, only when needed.</summary>
    private sealed class CredentialsFile
    {
        private readonly IniFile _ini;
        private readonly string _path;

        private CredentialsFile(IniFile ini, string path)
        {
            _ini = ini;
            _path = path;
        }

        public static string PathOf(IEnvironmentReader env) =>
            CredentialResolution.FirstNonEmpty(env.GetVariable(CredentialsFileVariable)) ?? CredentialResolution.HomePath(env, ".huaweicloud", "credentials");

        public static CredentialsFile? Load(IEnvironmentReader env)
        {
            var path = PathOf(env);
            return IniFile.Load(path) is { } ini ? new CredentialsFile(ini, path) : null;
        }

        public IniSection? Section(string name) => _ini.Section(name) is null ? null : new IniSection(_ini, name, _path);

        public IEnumerable<string> SectionNames => _ini.SectionNames;
    }
}
