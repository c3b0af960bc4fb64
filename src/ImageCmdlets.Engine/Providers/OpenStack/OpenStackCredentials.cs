using System;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// Settings for reaching Glance (<see cref="KeystoneSettings"/>), from -Credential/-Region/-Endpoint and the OS_* environment variables
/// that python-openstackclient uses.
/// </summary>
internal static class OpenStackCredentials
{
    public const string Help =
        "Set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME (or OS_PROJECT_ID), as for the openstack CLI " +
        "(source your openrc file), or pass -Credential (user name and password) with OS_AUTH_URL set. A token works too: " +
        "OS_TOKEN with OS_AUTH_URL, or OS_TOKEN with OS_IMAGE_URL (or -Endpoint) pointing at Glance.";

    public static KeystoneSettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        if (request.ProfileName is { } profile)
            throw new ImageCmdletsConfigurationException("ProfileNotSupported",
                $"-ProfileName ('{profile}') is not supported for OpenStack yet: clouds.yaml is not read. {Help}", ErrorKind.InvalidArgument);

        var s = new KeystoneSettings
        {
            Region = CredentialResolution.FirstNonEmpty(request.Region, env.GetVariable("OS_REGION_NAME")),
            Interface = (env.GetVariable("OS_INTERFACE") ?? "public").Replace("URL", "").ToLowerInvariant(),
            ProjectName = env.GetVariable("OS_PROJECT_NAME") ?? env.GetVariable("OS_TENANT_NAME"),
            ProjectId = env.GetVariable("OS_PROJECT_ID") ?? env.GetVariable("OS_TENANT_ID"),
            UserDomain = Domain(env, "OS_USER_DOMAIN"),
            ProjectDomain = Domain(env, "OS_PROJECT_DOMAIN"),
        };
        if (env.GetVariable("OS_AUTH_URL") is { } auth)
            s.AuthUrl = EndpointPolicy.Require(ParseUrl(auth, "OS_AUTH_URL"), "Keystone URL (OS_AUTH_URL)");
        if (request.Endpoint is { } endpoint) s.ImageUrl = endpoint;
        else if (env.GetVariable("OS_IMAGE_URL") is { } imageUrl)
            s.ImageUrl = EndpointPolicy.Require(ParseUrl(imageUrl, "OS_IMAGE_URL"), "Glance URL (OS_IMAGE_URL)");

        if (request.Credential is { } credential) s.User = credential;
        else if (env.GetVariable("OS_PASSWORD") is { } password)
        {
            var name = env.GetVariable("OS_USERNAME");
            var id = env.GetVariable("OS_USER_ID");
            if (name is null && id is null)
                throw new ImageCmdletsConfigurationException("IncompleteCredential", "OS_PASSWORD is set but neither OS_USERNAME nor OS_USER_ID is.", ErrorKind.Authentication);
            s.User = new AccessKeyCredential(name ?? id!, new Secret(password), null, "environment variables OS_USERNAME/OS_PASSWORD");
            s.UserIsId = name is null;
        }
        else if (env.GetVariable("OS_TOKEN") is { } token) s.Token = new Secret(token);

        if (s.User is null && s.Token is null)
        {
            if (env.GetVariable("OS_CLOUD") is { } cloud)
                throw new ImageCmdletsConfigurationException("ProfileNotSupported",
                    $"OS_CLOUD is set ('{cloud}') but clouds.yaml is not read by ImageCmdlets yet. {Help}", ErrorKind.Authentication);
            throw CredentialResolution.Missing("OpenStack", Help);
        }
        if (s.AuthUrl is null && !(s.Token is not null && s.ImageUrl is not null))
            throw new ImageCmdletsConfigurationException("MissingAuthUrl",
                "No Keystone URL: set OS_AUTH_URL (for example https://keystone.example.com:5000/v3). " + Help, ErrorKind.Authentication);
        if (s.User is not null && s.ProjectName is null && s.ProjectId is null)
            throw new ImageCmdletsConfigurationException("MissingProject",
                "No project to scope the token to: set OS_PROJECT_NAME or OS_PROJECT_ID.", ErrorKind.Authentication);
        // A token used straight on Glance says nothing about its project, and an admin token sees every
        // project's images: "your own images" would silently become "all images". Keystone can tell
        // (OS_AUTH_URL); otherwise the project must be named.
        if (s.AuthUrl is null && s.ProjectId is null)
            throw new ImageCmdletsConfigurationException("MissingProject",
                "OS_TOKEN used directly on Glance (OS_IMAGE_URL or -Endpoint) does not tell which project it acts for, so " +
                "'this project's images' cannot be told from everyone's. Set OS_PROJECT_ID, or OS_AUTH_URL so Keystone can tell.",
                ErrorKind.InvalidArgument);
        return s;
    }

    private static (string, string) Domain(IEnvironmentReader env, string prefix) =>
        env.GetVariable(prefix + "_ID") is { } id ? ("id", id)
        : env.GetVariable(prefix + "_NAME") is { } name ? ("name", name)
        : env.GetVariable("OS_DEFAULT_DOMAIN") is { } fallback ? ("id", fallback)
        : ("id", "default");

    private static Uri ParseUrl(string text, string variable) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"{variable} ('{text}') is not an absolute URL.");
}
