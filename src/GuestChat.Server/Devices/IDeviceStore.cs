using GuestChat.Protocol;

namespace GuestChat.Server.Devices;

/// <summary>A member's browser with its public identity bundle (opaque bytes).</summary>
public sealed record DeviceRecord(DeviceId Id, MemberId MemberId, byte[] PublicKeys, long CreatedAt);

/// <summary>Where devices live.</summary>
public interface IDeviceStore
{
    Task AddAsync(DeviceRecord device, CancellationToken cancellationToken);

    Task<DeviceRecord?> FindAsync(DeviceId id, CancellationToken cancellationToken);
}
