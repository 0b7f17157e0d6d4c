using GuestChat.Protocol;
using GuestChat.Server.Devices;

namespace GuestChat.Server.Storage;

internal sealed class SqliteDeviceStore(SqliteDatabase database) : IDeviceStore
{
    public async Task AddAsync(DeviceRecord device, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO devices (id, member_id, public_keys, created_at) VALUES ($id, $member, $keys, $at);")
            .With("$id", device.Id.Value).With("$member", device.MemberId.Value)
            .With("$keys", device.PublicKeys).With("$at", device.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeviceRecord?> FindAsync(DeviceId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT member_id, public_keys, created_at FROM devices WHERE id = $id;").With("$id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new DeviceRecord(id, MemberId.Parse(reader.GetString(0)), reader.GetBytes(1), reader.GetInt64(2));
    }
}
