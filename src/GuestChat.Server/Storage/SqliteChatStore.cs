using System.Runtime.CompilerServices;
using GuestChat.Protocol;
using GuestChat.Server.Chats;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

internal sealed class SqliteChatStore(SqliteDatabase database) : IChatStore, IAsyncDisposable
{
    private BatchWriter? _writer;

    public async Task<ChatRecord?> FindAsync(ChatId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"{ChatRows.Select} WHERE c.id = $id;").With("$id", id.Value);
        return (await ChatRows.ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ChatRecord>> ListForMemberAsync(MemberId member, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"{ChatRows.Select} WHERE c.member_id = $m ORDER BY p.last_activity_at DESC, c.id;").With("$m", member.Value);
        return await ChatRows.ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ChatRecord>> ListActiveForDeviceAsync(DeviceId device, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"{ChatRows.Select} WHERE c.device_id = $d AND c.state = 'active' ORDER BY c.id;").With("$d", device.Value);
        return await ChatRows.ReadAllAsync(command, cancellationToken);
    }

    public async Task<ChatId?> FindGuestSessionAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT chat_id FROM guest_sessions WHERE token_hash = $h;")
            .With("$h", tokenHash);
        return await command.ExecuteScalarAsync(cancellationToken) is string id ? ChatId.Parse(id) : null;
    }

    public async IAsyncEnumerable<StoredEnvelope> ReadQueuedAsync(
        ChatId chat, Party recipient, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT seq, body, sent_at FROM envelopes WHERE chat_id = $c AND recipient = $r ORDER BY seq;")
            .With("$c", chat.Value).With("$r", (int)recipient);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoredEnvelope(chat, reader.GetInt64(0), recipient, reader.GetBytes(1), reader.GetInt64(2), null);
        }
    }

    public async Task<IReadOnlyList<StoredEnvelope>> ReadRecentSendsAsync(ChatId chat, int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT seq, recipient, body, sent_at, client_id FROM envelopes
            WHERE chat_id = $c AND client_id IS NOT NULL ORDER BY seq DESC LIMIT $n;
            """).With("$c", chat.Value).With("$n", count);
        var list = new List<StoredEnvelope>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StoredEnvelope(chat, reader.GetInt64(0), (Party)reader.GetInt64(1), reader.GetBytes(2), reader.GetInt64(3), reader.GetString(4)));
        }
        return list;
    }

    public async Task<IReadOnlyList<ChatId>> FindIdleAsync(long lastActivityAtOrBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT c.id FROM chat_progress p JOIN chats c ON c.id = p.chat_id WHERE p.last_activity_at <= $t AND c.state = 'active';")
            .With("$t", lastActivityAtOrBefore);
        var ids = new List<ChatId>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(ChatId.Parse(reader.GetString(0)));
        }
        return ids;
    }

    public async Task CommitAsync(ChatBatch batch, CancellationToken cancellationToken)
    {
        _writer ??= await BatchWriter.OpenAsync(database, cancellationToken);
        try
        {
            _writer.Commit(batch);
        }
        catch
        {
            // A broken connection is not reused: the next batch opens a fresh one.
            await _writer.DisposeAsync();
            _writer = null;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    /// <summary>The group-commit connection with its statements prepared once and reused for every batch.</summary>
    private sealed class BatchWriter : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _acknowledge;
        private readonly SqliteCommand _close;
        private readonly SqliteCommand _progress;
        private readonly SqliteCommand _status;

        private BatchWriter(SqliteConnection connection)
        {
            _connection = connection;
            _insert = Prepare("INSERT INTO envelopes (chat_id, seq, recipient, body, sent_at, client_id) VALUES ($c, $s, $r, $b, $t, $id);",
                "$c", "$s", "$r", "$b", "$t", "$id");
            _acknowledge = Prepare("DELETE FROM envelopes WHERE chat_id = $c AND recipient = $r AND seq <= $s;", "$c", "$r", "$s");
            _close = Prepare("DELETE FROM envelopes WHERE chat_id = $c; DELETE FROM guest_sessions WHERE chat_id = $c;", "$c");
            _progress = Prepare("""
                UPDATE chat_progress SET last_activity_at = $activity, last_seq = $seq, member_acked_seq = $memberAcked,
                                         guest_acked_seq = $guestAcked, first_discarded_seq = $discarded
                WHERE chat_id = $id;
                """, "$activity", "$seq", "$memberAcked", "$guestAcked", "$discarded", "$id");
            _status = Prepare("UPDATE chats SET state = $state, blocked = $blocked WHERE id = $id;", "$state", "$blocked", "$id");
        }

        public static async Task<BatchWriter> OpenAsync(SqliteDatabase database, CancellationToken cancellationToken) =>
            new(await database.OpenAsync(cancellationToken));

        public void Commit(ChatBatch batch)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_insert, _acknowledge, _close, _progress, _status])
            {
                command.Transaction = transaction;
            }
            foreach (var e in batch.Envelopes)
            {
                Run(_insert, e.ChatId.Value, e.Seq, (int)e.Recipient, e.Body, e.SentAt, (object?)e.ClientId ?? DBNull.Value);
            }
            foreach (var a in batch.Acknowledgements)
            {
                Run(_acknowledge, a.ChatId.Value, (int)a.Recipient, a.UpToSeq);
            }
            foreach (var chat in batch.Closures)
            {
                Run(_close, chat.Value);
            }
            foreach (var p in batch.Chats)
            {
                Run(_progress, p.LastActivityAt, p.LastSeq, p.MemberAckedSeq, p.GuestAckedSeq, p.FirstDiscardedSeq, p.Id.Value);
                if (p.StatusChanged)
                {
                    Run(_status, ChatRows.StateText(p.State), p.Blocked ? 1 : 0, p.Id.Value);
                }
            }
            transaction.Commit();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = _connection.Command(sql);
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            return command;
        }

        private static void Run(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }
            command.ExecuteNonQuery();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in (SqliteCommand[])[_insert, _acknowledge, _close, _progress, _status])
            {
                await command.DisposeAsync();
            }
            await _connection.DisposeAsync();
        }
    }
}
