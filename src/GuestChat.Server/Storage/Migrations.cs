namespace GuestChat.Server.Storage;

/// <summary>One step of the schema. Steps are never edited once shipped: a change is a new step.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>GuestChat's schema, in order. <see cref="Migrator"/> applies the ones a database lacks.</summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            CREATE TABLE members (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members(id),
                public_keys BLOB NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE invitations (
                id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members(id),
                device_id TEXT NOT NULL REFERENCES devices(id),
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                state TEXT NOT NULL,            -- open, used, cancelled, expired
                bundle BLOB,
                bundle_tag BLOB,
                claim_verifier BLOB
            );
            CREATE INDEX invitations_by_member ON invitations (member_id, state);
            CREATE TABLE chats (
                id TEXT PRIMARY KEY,
                invitation_id TEXT NOT NULL UNIQUE REFERENCES invitations(id),
                member_id TEXT NOT NULL REFERENCES members(id),
                device_id TEXT NOT NULL REFERENCES devices(id),
                guest_name TEXT NOT NULL,
                guest_keys BLOB NOT NULL,
                claim_tag BLOB NOT NULL,
                terms_version TEXT NOT NULL,
                terms_accepted_at INTEGER NOT NULL,
                state TEXT NOT NULL,            -- active, expired, ended
                blocked INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                last_activity_at INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,      -- the chat's latest sequence number, both directions
                member_acked_seq INTEGER NOT NULL DEFAULT 0,
                guest_acked_seq INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX chats_by_member ON chats (member_id);
            CREATE INDEX chats_by_device ON chats (device_id);
            -- Store and forward: a row lives from its commit until the recipient acknowledges it.
            CREATE TABLE envelopes (
                chat_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                recipient INTEGER NOT NULL,     -- 0 member, 1 guest
                body BLOB NOT NULL,
                sent_at INTEGER NOT NULL,
                PRIMARY KEY (chat_id, seq)
            ) WITHOUT ROWID;
            -- Only the SHA-256 of the guest's cookie token is kept.
            CREATE TABLE guest_sessions (
                token_hash BLOB PRIMARY KEY,
                chat_id TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(2, "indexes for the expiry sweep and for ending a chat's guest sessions", """
            CREATE INDEX chats_by_activity ON chats (state, last_activity_at);
            CREATE INDEX invitations_by_expiry ON invitations (state, expires_at);
            CREATE INDEX guest_sessions_by_chat ON guest_sessions (chat_id);
            """),
        new(3, "the sender's client id on queued envelopes, so that a send repeated after a restart is recognised", """
            ALTER TABLE envelopes ADD COLUMN client_id TEXT;
            """),
        new(4, "the first envelope discarded while blocked, which the guest's delivered mark never reaches", """
            ALTER TABLE chats ADD COLUMN first_discarded_seq INTEGER NOT NULL DEFAULT 0;
            """),
        new(5, "claim verifiers kept only as their SHA-256, so that a copy of the database cannot use up invitations", """
            UPDATE invitations SET claim_verifier = guestchat_sha256(claim_verifier) WHERE claim_verifier IS NOT NULL;
            """),
        new(6, "fewer pages per group commit: per-message counters in a narrow table, envelopes in arrival order", """
            -- A commit rewrote each touched chat's wide row (~500 bytes, its guest's keys and claim tag) and moved
            -- its entry in chats_by_activity; the counters now share a page with ~80 other chats.
            CREATE TABLE chat_progress (
                chat_id TEXT PRIMARY KEY,
                last_activity_at INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,      -- the chat's latest sequence number, both directions
                member_acked_seq INTEGER NOT NULL DEFAULT 0,
                guest_acked_seq INTEGER NOT NULL DEFAULT 0,
                first_discarded_seq INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            INSERT INTO chat_progress (chat_id, last_activity_at, last_seq, member_acked_seq, guest_acked_seq, first_discarded_seq)
                SELECT id, last_activity_at, last_seq, member_acked_seq, guest_acked_seq, first_discarded_seq FROM chats;
            DROP INDEX chats_by_activity;
            ALTER TABLE chats DROP COLUMN last_activity_at;
            ALTER TABLE chats DROP COLUMN last_seq;
            ALTER TABLE chats DROP COLUMN member_acked_seq;
            ALTER TABLE chats DROP COLUMN guest_acked_seq;
            ALTER TABLE chats DROP COLUMN first_discarded_seq;
            -- Keyed by (chat, seq), each envelope landed on its chat's own leaf page. In arrival order, a batch's
            -- envelopes share the last pages, and the dense (chat, seq) index finds them.
            CREATE TABLE envelopes_by_arrival (
                id INTEGER PRIMARY KEY,
                chat_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                recipient INTEGER NOT NULL,     -- 0 member, 1 guest
                body BLOB NOT NULL,
                sent_at INTEGER NOT NULL,
                client_id TEXT
            );
            INSERT INTO envelopes_by_arrival (chat_id, seq, recipient, body, sent_at, client_id)
                SELECT chat_id, seq, recipient, body, sent_at, client_id FROM envelopes ORDER BY sent_at, chat_id, seq;
            DROP TABLE envelopes;
            ALTER TABLE envelopes_by_arrival RENAME TO envelopes;
            CREATE UNIQUE INDEX envelopes_by_chat ON envelopes (chat_id, seq);
            """),
    ];
}
