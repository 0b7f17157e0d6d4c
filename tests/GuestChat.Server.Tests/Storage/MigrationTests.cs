using GuestChat.Server.Accounts;
using GuestChat.Server.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using System.Security.Cryptography;

namespace GuestChat.Server.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public async Task ADatabaseMadeByTheFirstMigrationUpgradesInPlaceAndKeepsItsRows()
    {
        var memberId = MemberId.New();
        var deviceId = DeviceId.New();
        var invitationId = InvitationId.New();
        var chatId = ChatId.New();
        var envelope = GuestChatClient.RandomBytes(77);
        var guestToken = GuestChatClient.RandomBytes(32);
        var clock = new ManualClock();
        var now = clock.UnixMilliseconds;
        var options = new GuestChatHostOptions
        {
            StartTime = clock.GetUtcNow(),
            PrepareDataDirectory = async folder =>
            {
                await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "guestchat.db")};Pooling=False");
                await connection.OpenAsync();
                Assert.Equal(1, (await Migrator.MigrateAsync(connection, clock, targetVersion: 1)).Single().Version);
                var hash = new PasswordHasher<MemberRecord>().HashPassword(null!, "an old password");
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO members VALUES ($m, 'old_member', 'Old Member', $hash, $now);
                    INSERT INTO devices VALUES ($d, $m, x'0102', $now);
                    INSERT INTO invitations VALUES ($i, $m, $d, $now, $now + 864000000, 'used', x'05', zeroblob(32), zeroblob(32));
                    INSERT INTO chats (id, invitation_id, member_id, device_id, guest_name, guest_keys, claim_tag, terms_version,
                                       terms_accepted_at, state, blocked, created_at, last_activity_at, last_seq)
                    VALUES ($c, $i, $m, $d, 'Old Guest', x'0A0B', zeroblob(32), 'v1', $now, 'active', 0, $now, $now, 1);
                    INSERT INTO envelopes VALUES ($c, 1, 0, $body, $now);
                    INSERT INTO guest_sessions VALUES ($token, $c, $now);
                    """;
                insert.Parameters.AddWithValue("$m", memberId.Value);
                insert.Parameters.AddWithValue("$d", deviceId.Value);
                insert.Parameters.AddWithValue("$i", invitationId.Value);
                insert.Parameters.AddWithValue("$c", chatId.Value);
                insert.Parameters.AddWithValue("$hash", hash);
                insert.Parameters.AddWithValue("$now", now);
                insert.Parameters.AddWithValue("$body", envelope);
                insert.Parameters.AddWithValue("$token", SHA256.HashData(guestToken));
                await insert.ExecuteNonQueryAsync();
            },
        };

        await using var host = await GuestChatHost.StartAsync(options);

        Assert.Equal(Migrations.All.Count, Support.Database.Scalar(host, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1, Support.Database.Scalar(host, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'invitations_by_expiry'"));
        // Migration 6 moved the counters out of the chat row and put envelopes in arrival order, keeping their values.
        Assert.Equal(1, Support.Database.Scalar(host, "SELECT last_seq FROM chat_progress WHERE chat_id = $c", ("$c", chatId.Value)));
        Assert.Equal(0, Support.Database.Scalar(host, "SELECT COUNT(*) FROM pragma_table_info('chats') WHERE name = 'last_seq'"));
        Assert.Equal(1, Support.Database.Scalar(host, "SELECT COUNT(*) FROM envelopes WHERE chat_id = $c AND seq = 1 AND id > 0", ("$c", chatId.Value)));
        Assert.Equal(1, Support.Database.Scalar(host, "SELECT COUNT(*) FROM pragma_table_info('envelopes') WHERE name = 'client_id'"));
        Assert.Contains(host.Logs.Entries, e => e.Message.StartsWith("Applied database migration 2", StringComparison.Ordinal));
        using var member = host.CreateClient();
        Assert.Equal(memberId, (await member.SignInAsync("old_member", "an old password")).Id);
        var chat = Assert.Single(await member.ListChatsAsync());
        Assert.Equal((chatId, "Old Guest", ChatStates.Active), (chat.Id, chat.GuestName, chat.State));
        await using var socket = await member.ConnectMemberAsync(deviceId);
        Assert.Equal(envelope, (await socket.NextAsync<MessageFrame>()).Body);
        using var guest = host.CreateClient();
        guest.Cookies.Add(guest.BaseUri, new System.Net.Cookie("gc_guest", Base64UrlText.Encode(guestToken)));
        Assert.Equal(("Old Member", "Old Guest"), ((await guest.GetGuestChatAsync()).MemberName, (await guest.GetGuestChatAsync()).GuestName));
        await using var guestSocket = await guest.ConnectGuestAsync();
        await guestSocket.NextAsync<ReadyFrame>();
        await guestSocket.SendStoredAsync(chatId, "after-upgrade", [1]);
        Assert.Equal(2, (await guestSocket.NextAsync<StoredFrame>()).Seq);
    }

    [Fact]
    public async Task AnInvitationStoredWithItsRawVerifierBeforeMigration5IsClaimedWithItAfterTheUpgrade()
    {
        var memberId = MemberId.New();
        var deviceId = DeviceId.New();
        var invitationId = InvitationId.New();
        var verifier = GuestChatClient.RandomBytes(32);
        var clock = new ManualClock();
        var options = new GuestChatHostOptions
        {
            StartTime = clock.GetUtcNow(),
            PrepareDataDirectory = async folder =>
            {
                await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "guestchat.db")};Pooling=False");
                await connection.OpenAsync();
                Assert.Equal(4, (await Migrator.MigrateAsync(connection, clock, targetVersion: 4)).Count);
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO members VALUES ($m, 'old_member', 'Old Member', 'no password', $now);
                    INSERT INTO devices VALUES ($d, $m, x'0102', $now);
                    INSERT INTO invitations VALUES ($i, $m, $d, $now, $now + 864000000, 'open', x'05', zeroblob(32), $v);
                    """;
                insert.Parameters.AddWithValue("$m", memberId.Value);
                insert.Parameters.AddWithValue("$d", deviceId.Value);
                insert.Parameters.AddWithValue("$i", invitationId.Value);
                insert.Parameters.AddWithValue("$now", clock.UnixMilliseconds);
                insert.Parameters.AddWithValue("$v", verifier);
                await insert.ExecuteNonQueryAsync();
            },
        };

        await using var host = await GuestChatHost.StartAsync(options);

        Assert.Equal(1, Support.Database.Scalar(host, "SELECT COUNT(*) FROM invitations WHERE claim_verifier = $h",
            ("$h", SHA256.HashData(verifier))));
        using var guest = host.CreateClient();
        Assert.Equal(invitationId, (await guest.ClaimAsync(invitationId, verifier)).InvitationId);
    }

    [Fact]
    public async Task TheDatabaseRunsInWalModeAndMigratingAgainChangesNothing()
    {
        await using var host = await GuestChatHost.StartAsync();
        await host.RestartAsync();

        using var connection = Support.Database.Open(host);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
        Assert.Equal(Migrations.All.Count, Support.Database.Scalar(host, "SELECT COUNT(*) FROM schema_version"));
        Assert.Empty(await Migrator.MigrateAsync(connection, host.Clock));
    }
}
