using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// Keystone tokens kept for the PowerShell session (the process), so that consecutive commands and loops
/// over a cmdlet do not each sign in again. Keyed by everything that decides the token: the auth URL, the
/// user and its domain, the project and its domain, and a hash of the password (or of the token being
/// re-scoped), so a changed password never gets an old token. A token is reused until shortly before it
/// expires; one Glance refused is replaced for everyone.
/// </summary>
internal static class KeystoneTokenCache
{
    /// <summary>A token this close to its expiry is not handed out again: a long run may still need it.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<string, KeystoneToken> Tokens = new(StringComparer.Ordinal);

    /// <summary>A cached token that is still good for a while, or a new one from Keystone.</summary>
    public static async Task<KeystoneToken> GetAsync(OpenStackCredentials settings, HttpTransport transport, CallContext context)
    {
        var key = KeyOf(settings);
        if (Tokens.TryGetValue(key, out var cached) && cached.ExpiresAt is { } expires && expires - RenewBefore > DateTimeOffset.UtcNow)
            return cached;
        return await RenewAsync(settings, transport, context).ConfigureAwait(false);
    }

    /// <summary>A new token from Keystone, which replaces the cached one.</summary>
    public static async Task<KeystoneToken> RenewAsync(OpenStackCredentials settings, HttpTransport transport, CallContext context)
    {
        var token = await Keystone.AuthenticateAsync(settings, transport, context).ConfigureAwait(false);
        Tokens[KeyOf(settings)] = token;
        return token;
    }

    /// <summary>Forgets every token, so that the next command signs in again (for tests that must see a sign-in).</summary>
    public static void Clear() => Tokens.Clear();

    private static string KeyOf(OpenStackCredentials s) => string.Join("\n",
        s.AuthUrl?.AbsoluteUri ?? "",
        s.User?.Id ?? "", s.UserIsId ? "id" : "name", s.UserDomain.Key, s.UserDomain.Value,
        s.ProjectId ?? "", s.ProjectName ?? "", s.ProjectDomain.Key, s.ProjectDomain.Value,
        Crypto.Sha256Hex(s.User?.SecretKey.RevealBytes() ?? s.Token?.RevealBytes() ?? Array.Empty<byte>()));
}
