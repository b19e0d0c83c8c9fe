using System.Security.Cryptography;
using System.Text;

namespace Paas.Data.Platform;

/// <summary>Makes and hashes API keys. Keys carry 240 bits of randomness, so a fast hash is safe to store and look up by.</summary>
public static class ApiKeys
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate() => "paas_" + RandomNumberGenerator.GetString(Alphabet, 40);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The first characters, kept so an admin can tell keys apart without the secret.</summary>
    public static string Prefix(string key) => key.Length <= 12 ? key[..Math.Min(4, key.Length)] : key[..12];
}
