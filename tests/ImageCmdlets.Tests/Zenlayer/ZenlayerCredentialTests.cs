using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Zenlayer;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>
/// Credentials, region and endpoint: -Credential, -ProfileName, the Terraform provider's and the zeno CLI's
/// environment variables and the CLI's ~/.zenlayer files, each in its place in the order, in a made-up home.
/// </summary>
public sealed class ZenlayerCredentialTests : IDisposable
{
    private const string CliSecret = "cliSecretValue-7f3a";
    private const string TerraformSecret = "terraformPassword-55de";

    private readonly string _home = Path.Combine(Path.GetTempPath(), "imagecmdlets-zenlayer-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _variables = new();

    public ZenlayerCredentialTests() => Directory.CreateDirectory(_home);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private const string CredentialsFile = """
        {
          "default": { "access_key_id": "ZLdefault", "access_key_secret": "defaultSecret-0000" },
          "work": { "access_key_id": "ZLwork", "access_key_secret": "cliSecretValue-7f3a" },
          "tokenOnly": { "token": "personalAccessToken-1111" },
          "half": { "access_key_id": "ZLhalf" }
        }
        """;

    private void WriteCli(string credentials = CredentialsFile, string? currentProfile = null)
    {
        Directory.CreateDirectory(Path.Combine(_home, ".zenlayer"));
        File.WriteAllText(Path.Combine(_home, ".zenlayer", "credentials.json"), credentials);
        if (currentProfile is not null)
            File.WriteAllText(Path.Combine(_home, ".zenlayer", "config.json"),
                "{\"current_profile\":\"" + currentProfile + "\",\"profiles\":{\"" + currentProfile + "\":{\"language\":\"en\",\"output\":\"json\"}}}");
    }

    private ZenlayerSession Connect(AccessKeyCredential? credential = null, string? profile = null, string? region = null, Uri? endpoint = null) =>
        (ZenlayerSession)ProviderRegistry.Find("Zenlayer").Connect(new ConnectionRequest
        {
            Credential = credential,
            ProfileName = profile,
            Region = region,
            Endpoint = endpoint,
            Environment = new FixedEnvironment(_variables, _home),
        });

    private ImageCmdletsConfigurationException Refused(AccessKeyCredential? credential = null, string? profile = null) =>
        Assert.Throws<ImageCmdletsConfigurationException>(() => Connect(credential, profile));

    [Fact]
    public void The_credential_parameter_comes_first()
    {
        WriteCli();
        _variables["ZENLAYERCLOUD_ACCESS_KEY_ID"] = "ZLterraform";
        _variables["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] = TerraformSecret;
        Assert.Equal("ZLparameter", Connect(new AccessKeyCredential("ZLparameter", new Secret("p"))).Account);
    }

    [Fact]
    public void The_terraform_variables_come_before_the_cli_variables_and_the_files()
    {
        WriteCli();
        _variables["ZENLAYER_ACCESS_KEY_ID"] = "ZLcli";
        _variables["ZENLAYER_ACCESS_KEY_SECRET"] = CliSecret;
        Assert.Equal("ZLcli", Connect().Account);
        _variables["ZENLAYERCLOUD_ACCESS_KEY_ID"] = "ZLterraform";
        _variables["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] = TerraformSecret;
        Assert.Equal("ZLterraform", Connect().Account);
    }

    [Theory]
    [InlineData("ZENLAYERCLOUD_ACCESS_KEY_ID")]
    [InlineData("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD")]
    [InlineData("ZENLAYER_ACCESS_KEY_SECRET")]
    public void Only_half_a_key_pair_in_the_environment_is_an_error(string variable)
    {
        _variables[variable] = "half";
        Assert.Equal("IncompleteCredential", Refused().ErrorId);
    }

    [Fact]
    public void A_named_profile_comes_before_the_environment()
    {
        WriteCli();
        _variables["ZENLAYERCLOUD_ACCESS_KEY_ID"] = "ZLterraform";
        _variables["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] = TerraformSecret;
        Assert.Equal("ZLwork", Connect(profile: "work").Account);
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_never_a_fallback()
    {
        WriteCli();
        var ex = Refused(profile: "nope");
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("credentials.json", ex.Message);
    }

    [Fact]
    public void Zenlayer_profile_chooses_the_profile_and_must_exist()
    {
        WriteCli(currentProfile: "default");
        _variables["ZENLAYER_PROFILE"] = "work";
        Assert.Equal("ZLwork", Connect().Account);
        _variables["ZENLAYER_PROFILE"] = "gone";
        Assert.Contains("ZENLAYER_PROFILE", Refused().Message);
    }

    [Fact]
    public void The_cli_current_profile_else_default_is_the_last_resort()
    {
        WriteCli();
        Assert.Equal("ZLdefault", Connect().Account);
        WriteCli(currentProfile: "work");
        Assert.Equal("ZLwork", Connect().Account);
    }

    [Fact]
    public void A_personal_access_token_is_refused_with_a_clear_message()
    {
        WriteCli();
        var ex = Refused(profile: "tokenOnly");
        Assert.Equal("UnsupportedCredential", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        File.Delete(Path.Combine(_home, ".zenlayer", "credentials.json"));
        _variables["ZENLAYER_TOKEN"] = "personalAccessToken-1111";
        Assert.Equal("UnsupportedCredential", Refused().ErrorId);
        Assert.DoesNotContain("personalAccessToken-1111", Refused().Message);
    }

    [Fact]
    public void Broken_files_are_errors_that_never_quote_them()
    {
        WriteCli();
        Assert.Equal("InvalidCredentialFile", Refused(profile: "half").ErrorId);
        WriteCli("{ \"default\": { \"access_key_secret\": \"notQuoted-9999\" ");
        var ex = Refused();
        Assert.Equal("InvalidCredentialFile", ex.ErrorId);
        Assert.DoesNotContain("notQuoted-9999", ex.Message);
    }

    [Fact]
    public void No_credential_anywhere_is_a_clear_error()
    {
        var ex = Refused();
        Assert.Equal("MissingCredential", ex.ErrorId);
        Assert.Contains("ZENLAYERCLOUD_ACCESS_KEY_ID", ex.Message);
        Assert.Contains("~/.zenlayer/credentials.json", ex.Message);
    }

    [Fact]
    public void No_secret_appears_in_any_error_or_description()
    {
        WriteCli();
        var session = Connect(profile: "work");
        var texts = new[] { session.ToString() ?? "", Refused(profile: "nope").Message, Refused(profile: "half").Message };
        Assert.All(texts, t => Assert.DoesNotContain(CliSecret, t));
    }

    [Fact]
    public void The_region_only_narrows_a_listing_and_may_be_left_out()
    {
        _variables["ZENLAYERCLOUD_ACCESS_KEY_ID"] = "ZLterraform";
        _variables["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] = TerraformSecret;
        Assert.Equal("", Connect().Region);
        Assert.Equal("asia-southeast-1", Connect(region: "asia-southeast-1").Region);
        Assert.Equal("InvalidRegion", Assert.Throws<ImageCmdletsConfigurationException>(() => Connect(region: "asia/../east")).ErrorId);
    }

    [Fact]
    public void The_endpoint_is_console_zenlayer_com_and_endpoint_replaces_only_scheme_host_and_port()
    {
        var credential = new AccessKeyCredential("ZLparameter", new Secret("p"));
        Assert.Equal("https://console.zenlayer.com/api/v2/zec", Connect(credential).ApiUri.ToString());
        Assert.Equal("http://127.0.0.1:18105/api/v2/zec", Connect(credential, endpoint: new Uri("http://127.0.0.1:18105/")).ApiUri.ToString());
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Connect(credential, endpoint: new Uri("https://proxy.example.com/api/v2/zec")));
        Assert.Equal("InvalidEndpoint", ex.ErrorId);
    }

    [Fact]
    public void Connecting_makes_no_call()
    {
        // No transport is even reachable: a session is only settings until its first call.
        var session = Connect(new AccessKeyCredential("ZLparameter", new Secret("p")), region: "asia-east-1");
        Assert.Equal(("Zenlayer", "asia-east-1", "ZLparameter"), (session.Provider.Name, session.Region, session.Account));
        Assert.True(session.Provider.Capabilities.DeleteCompletesAsynchronously);
        Assert.IsAssignableFrom<IDeletionPoller>(session);
        Assert.Contains("zeno configure", session.Provider.CredentialHelp);
        Assert.All(session.Provider.KnownRegions, r => Assert.Matches(session.Provider.Capabilities.RegionPattern, r));
        Assert.Equal(2, new[] { "asia-east-1", "asia-southeast-1" }.Intersect(session.Provider.KnownRegions).Count());
    }
}
