namespace GuestChat.Bench.Clients;

/// <summary>Where and as whom one client socket connects; <see cref="ChatId"/> is the chat it sends to (empty when idle).</summary>
public sealed record SocketEndpoint(Uri Uri, string? Cookie, string ChatId);

/// <summary>The two parties of one chat.</summary>
public sealed record PairEndpoints(SocketEndpoint First, SocketEndpoint Second);

/// <summary>A relay under test (GuestChat or the peer): its process, origin, and the identities set up on it.</summary>
public sealed record RelayTarget(string Name, int ProcessId, string Origin, IReadOnlyList<PairEndpoints> Pairs, IReadOnlyList<SocketEndpoint> Idle);
