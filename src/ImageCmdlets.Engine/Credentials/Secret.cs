using System;
using System.Diagnostics;
using System.Text;

namespace ImageCmdlets.Credentials;

/// <summary>
/// A secret value (secret key, password, token). It never prints itself: ToString, debugger views and
/// every formatter see "***". Only signers and auth requests call <see cref="Reveal"/>.
/// </summary>
[DebuggerDisplay("***")]
public sealed class Secret
{
    private readonly byte[] _utf8;

    public Secret(string value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        _utf8 = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The secret's text. Call only where the secret is put on the wire or into a MAC.</summary>
    public string Reveal() => Encoding.UTF8.GetString(_utf8);

    public byte[] RevealBytes() => (byte[])_utf8.Clone();

    public override string ToString() => "***";
}

/// <summary>An access key pair (or user name and password), with an optional session token.</summary>
[DebuggerDisplay("{Id} ***")]
public sealed class AccessKeyCredential
{
    public AccessKeyCredential(string id, Secret secret, Secret? sessionToken = null, string source = "parameter")
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        SecretKey = secret ?? throw new ArgumentNullException(nameof(secret));
        SessionToken = sessionToken;
        Source = source;
    }

    /// <summary>Access key id or user name (not a secret; shown in verbose text).</summary>
    public string Id { get; }
    public Secret SecretKey { get; }
    public Secret? SessionToken { get; }
    /// <summary>Where the credential came from (parameter, environment variable, file) for verbose text.</summary>
    public string Source { get; }

    public override string ToString() => $"{Id} (secret hidden, from {Source})";
}
