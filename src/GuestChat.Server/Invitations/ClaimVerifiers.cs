using System.Security.Cryptography;

namespace GuestChat.Server.Invitations;

/// <summary>
/// The server keeps a claim verifier only as its SHA-256: it can check that a guest holds the link secret,
/// but whoever reads a copy of the database cannot present the verifier and use up the invitation.
/// </summary>
public static class ClaimVerifiers
{
    public static byte[] Hash(byte[] verifier) => SHA256.HashData(verifier);

    /// <summary>Compares in constant time; an invitation without a verifier matches nothing.</summary>
    public static bool Matches(byte[]? storedHash, byte[] presented) =>
        storedHash is not null && CryptographicOperations.FixedTimeEquals(storedHash, Hash(presented));
}
