namespace GuestChat.Server.Storage;

/// <summary>Answers whether the storage can serve (<c>GET /healthz</c>).</summary>
public interface IStorageHealth
{
    Task<bool> CanServeAsync(CancellationToken cancellationToken);
}
