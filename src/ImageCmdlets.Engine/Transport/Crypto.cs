using System;
using System.Security.Cryptography;
using System.Text;

namespace ImageCmdlets.Transport;

/// <summary>Hashing helpers shared by every request signer.</summary>
internal static class Crypto
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static byte[] Utf8Bytes(string s) => Utf8.GetBytes(s);

    /// <summary>UTF-8 text; invalid sequences become U+FFFD rather than failing (the JSON reader then refuses the text).</summary>
    public static string Utf8Text(byte[] bytes, int count) => Utf8.GetString(bytes, 0, count);

    public static byte[] Sha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
    }

    public static string Sha256Hex(string s) => Hex(Sha256(Utf8Bytes(s)));

    public static string Sha256Hex(byte[] data) => Hex(Sha256(data));

    public static byte[] HmacSha256(byte[] key, string message)
    {
        using var hmac = new HMACSHA256(key);
        return hmac.ComputeHash(Utf8Bytes(message));
    }

    /// <summary>Lower-case hexadecimal, as every signing scheme here expects.</summary>
    public static string Hex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = HexDigit(bytes[i] >> 4);
            chars[2 * i + 1] = HexDigit(bytes[i] & 0xF);
        }
        return new string(chars);
    }

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);

    /// <summary>Constant-time comparison, for verifying signatures (emulators) without a timing oracle.</summary>
    public static bool FixedTimeEquals(string a, string b)
    {
        if (a.Length != b.Length) return false;
        var diff = 0;
        for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
        return diff == 0;
    }

    /// <summary>RFC 3986 percent-encoding (unreserved characters kept), upper-case hex.</summary>
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Utf8Bytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
