using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.OpenStack;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.OpenStack;

/// <summary>OpenStack settings problems are clear errors raised before any network call.</summary>
public class OpenStackSettingsTests
{
    /// <summary>Counts requests; any request at all fails the test's expectations.</summary>
    private sealed class NoNetwork : HttpMessageHandler
    {
        public int Requests;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            throw new InvalidOperationException("no network call was expected: " + request.RequestUri);
        }
    }

    private static ImageCmdletsConfigurationException ConnectFails(Dictionary<string, string> variables, AccessKeyCredential? credential = null, string? profile = null)
    {
        var network = new NoNetwork();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => ProviderRegistry.Find(OpenStackProvider.ProviderName).Connect(new ConnectionRequest
        {
            Environment = new FixedEnvironment(variables),
            Credential = credential,
            ProfileName = profile,
            Transport = new HttpTransport(network, TimeSpan.FromSeconds(5)),
        }));
        Assert.Equal(0, network.Requests);
        return ex;
    }

    private static Dictionary<string, string> Complete() => new()
    {
        ["OS_AUTH_URL"] = "https://keystone.example.com:5000/v3",
        ["OS_USERNAME"] = "alice",
        ["OS_PASSWORD"] = "s3cret-Passw0rd",
        ["OS_PROJECT_NAME"] = "ci",
    };

    [Fact]
    public void No_credentials_at_all_is_MissingCredential_naming_the_variables()
    {
        var ex = ConnectFails(new Dictionary<string, string>());
        Assert.Equal("MissingCredential", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        Assert.Contains("OS_AUTH_URL", ex.Message);
        Assert.Contains("OS_PASSWORD", ex.Message);
    }

    [Fact]
    public void A_password_without_a_user_is_an_incomplete_credential()
    {
        var vars = Complete();
        vars.Remove("OS_USERNAME");
        Assert.Equal("IncompleteCredential", ConnectFails(vars).ErrorId);
    }

    [Fact]
    public void No_auth_url_is_MissingAuthUrl()
    {
        var vars = Complete();
        vars.Remove("OS_AUTH_URL");
        Assert.Equal("MissingAuthUrl", ConnectFails(vars).ErrorId);
    }

    [Fact]
    public void No_project_is_MissingProject()
    {
        var vars = Complete();
        vars.Remove("OS_PROJECT_NAME");
        Assert.Equal("MissingProject", ConnectFails(vars).ErrorId);
    }

    [Fact]
    public void Plain_http_Keystone_off_loopback_is_refused_before_the_password_is_sent()
    {
        var vars = Complete();
        vars["OS_AUTH_URL"] = "http://keystone.example.com:5000/v3";
        var ex = ConnectFails(vars);
        Assert.Equal("InsecureEndpoint", ex.ErrorId);
        Assert.DoesNotContain("s3cret-Passw0rd", ex.ToString());
    }

    [Fact]
    public void Clouds_yaml_selection_is_reported_as_not_supported_rather_than_ignored()
    {
        Assert.Equal("ProfileNotSupported", ConnectFails(new Dictionary<string, string> { ["OS_CLOUD"] = "mycloud" }).ErrorId);
        Assert.Equal("ProfileNotSupported", ConnectFails(Complete(), profile: "mycloud").ErrorId);
    }
}
