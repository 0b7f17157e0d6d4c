using GuestChat.Protocol;
using GuestChat.Server.Chats;
using GuestChat.Server.Invitations;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

internal sealed class SqliteInvitationStore(SqliteDatabase database) : IInvitationStore
{
    private const string Columns =
        "i.id, i.member_id, i.device_id, i.created_at, i.expires_at, i.state, i.bundle, i.bundle_tag, i.claim_verifier";

    public async Task<bool> TryCreateAsync(InvitationRecord invitation, int maxUnused, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var count = connection.Command(
            "SELECT COUNT(*) FROM invitations WHERE member_id = $m AND state = 'open' AND expires_at > $now;", transaction))
        {
            count.With("$m", invitation.MemberId.Value).With("$now", now);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= maxUnused)
            {
                return false;
            }
        }
        await using (var insert = connection.Command("""
            INSERT INTO invitations (id, member_id, device_id, created_at, expires_at, state)
            VALUES ($id, $m, $d, $created, $expires, 'open');
            """, transaction))
        {
            insert.With("$id", invitation.Id.Value).With("$m", invitation.MemberId.Value).With("$d", invitation.DeviceId.Value)
                .With("$created", invitation.CreatedAt).With("$expires", invitation.ExpiresAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<BundleOutcome> SetBundleAsync(
        MemberId member, InvitationId id, byte[] bundle, byte[] bundleTag, byte[] claimVerifierHash, long now,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.Command("""
            UPDATE invitations SET bundle = $b, bundle_tag = $t, claim_verifier = $v
            WHERE id = $id AND member_id = $m AND state = 'open' AND expires_at > $now AND bundle IS NULL;
            """)
            .With("$b", bundle).With("$t", bundleTag).With("$v", claimVerifierHash)
            .With("$id", id.Value).With("$m", member.Value).With("$now", now);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return BundleOutcome.Stored;
        }
        await using var probe = connection.Command(
            "SELECT bundle IS NOT NULL FROM invitations WHERE id = $id AND member_id = $m;")
            .With("$id", id.Value).With("$m", member.Value);
        return await probe.ExecuteScalarAsync(cancellationToken) is long hasBundle && hasBundle != 0
            ? BundleOutcome.AlreadySet
            : BundleOutcome.NotFound;
    }

    public async Task<IReadOnlyList<InvitationRecord>> ListUnusedAsync(MemberId member, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {Columns} FROM invitations i
            WHERE i.member_id = $m AND i.state = 'open' AND i.expires_at > $now
            ORDER BY i.created_at DESC, i.id;
            """).With("$m", member.Value).With("$now", now);
        var list = new List<InvitationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadInvitation(reader));
        }
        return list;
    }

    public async Task<CancelOutcome> CancelAsync(MemberId member, InvitationId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var probe = connection.Command(
            "SELECT state FROM invitations WHERE id = $id AND member_id = $m;", transaction)
            .With("$id", id.Value).With("$m", member.Value);
        var state = await probe.ExecuteScalarAsync(cancellationToken) as string;
        switch (state)
        {
            case null:
                return CancelOutcome.NotFound;
            case "used":
                return CancelOutcome.Used;
            case "open":
                await using (var cancel = connection.Command(
                    "UPDATE invitations SET state = 'cancelled' WHERE id = $id;", transaction).With("$id", id.Value))
                {
                    await cancel.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                return CancelOutcome.Cancelled;
            default:
                return CancelOutcome.Cancelled; // already cancelled or expired: nothing left to cancel
        }
    }

    public async Task<InvitationLookup?> FindAsync(InvitationId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        InvitationRecord invitation;
        string inviterName;
        await using (var command = connection.Command($"""
            SELECT {Columns}, m.display_name FROM invitations i JOIN members m ON m.id = i.member_id WHERE i.id = $id;
            """).With("$id", id.Value))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            invitation = ReadInvitation(reader);
            inviterName = reader.GetString(9);
        }
        ChatRecord? chat = null;
        if (invitation.State == InvitationState.Used)
        {
            await using var chatCommand = connection.Command($"{ChatRows.Select} WHERE c.invitation_id = $id;").With("$id", id.Value);
            chat = (await ChatRows.ReadAllAsync(chatCommand, cancellationToken)).SingleOrDefault();
        }
        return new InvitationLookup(invitation, inviterName, chat);
    }

    public async Task<ClaimOutcome> ClaimAsync(
        ChatRecord chat, byte[] guestTokenHash, byte[] firstEnvelope, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var use = connection.Command("""
            UPDATE invitations SET state = 'used'
            WHERE id = $id AND state = 'open' AND expires_at > $now AND bundle IS NOT NULL;
            """, transaction).With("$id", chat.InvitationId.Value).With("$now", now))
        {
            if (await use.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return ClaimOutcome.NoLongerOpen;
            }
        }
        await using (var insert = connection.Command("""
            INSERT INTO chats (id, invitation_id, member_id, device_id, guest_name, guest_keys, claim_tag, terms_version,
                               terms_accepted_at, state, blocked, created_at)
            VALUES ($id, $inv, $m, $d, $name, $keys, $tag, $terms, $now, 'active', 0, $now);
            INSERT INTO chat_progress (chat_id, last_activity_at, last_seq) VALUES ($id, $now, 1);
            INSERT INTO guest_sessions (token_hash, chat_id, created_at) VALUES ($token, $id, $now);
            INSERT INTO envelopes (chat_id, seq, recipient, body, sent_at) VALUES ($id, 1, 0, $body, $now);
            """, transaction))
        {
            insert.With("$id", chat.Id.Value).With("$inv", chat.InvitationId.Value).With("$m", chat.MemberId.Value)
                .With("$d", chat.DeviceId.Value).With("$name", chat.GuestName).With("$keys", chat.GuestKeys)
                .With("$tag", chat.ClaimTag).With("$terms", chat.TermsVersion).With("$now", now)
                .With("$token", guestTokenHash).With("$body", firstEnvelope);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return ClaimOutcome.Claimed;
    }

    public async Task<int> ExpireDueAsync(long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE invitations SET state = 'expired' WHERE state = 'open' AND expires_at <= $now;").With("$now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static InvitationRecord ReadInvitation(SqliteDataReader r) => new(
        InvitationId.Parse(r.GetString(0)),
        MemberId.Parse(r.GetString(1)),
        DeviceId.Parse(r.GetString(2)),
        r.GetInt64(3),
        r.GetInt64(4),
        r.GetString(5) switch
        {
            "open" => InvitationState.Open,
            "used" => InvitationState.Used,
            "cancelled" => InvitationState.Cancelled,
            "expired" => InvitationState.Expired,
            var other => throw new InvalidDataException($"Unknown invitation state '{other}'."),
        },
        r.GetBytesOrNull(6),
        r.GetBytesOrNull(7),
        r.GetBytesOrNull(8));
}
