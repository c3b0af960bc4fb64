using System;
using ImageCmdlets.Credentials;

namespace ImageCmdlets.Providers.Glance;

/// <summary>
/// How to get (or which is) the Keystone token for a Glance-shaped API: the identity service, the user and the
/// project to scope to, or a token given as is. OpenStack fills it from the OS_* variables; Huawei from an IAM
/// user or a given token.
/// </summary>
internal sealed class KeystoneSettings
{
    public Uri? AuthUrl { get; set; }
    public AccessKeyCredential? User { get; set; }
    public bool UserIsId { get; set; }
    public string? ProjectName { get; set; }
    public string? ProjectId { get; set; }
    public (string Key, string Value) UserDomain { get; set; } = ("id", "default");
    public (string Key, string Value) ProjectDomain { get; set; } = ("id", "default");
    public string? Region { get; set; }
    public string Interface { get; set; } = "public";
    public Secret? Token { get; set; }
    public Uri? ImageUrl { get; set; }
    /// <summary>Whether an admin role lets the caller delete other projects' images (OpenStack; not Huawei IMS).</summary>
    public bool AdminRoleCounts { get; set; } = true;
}
