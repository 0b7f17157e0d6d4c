using GuestChat.Protocol;
using GuestChat.Server.Realtime;

namespace GuestChat.Server.Chats;

public sealed partial class ChatWriter
{
    /// <summary>Something to do once the batch is durable.</summary>
    private readonly struct Outgoing
    {
        private readonly ClientConnection? _connection;
        private readonly ChatRuntime? _chat;
        private readonly Party _party;
        private readonly ServerFrame? _frame;
        private readonly TaskCompletionSource<ChatChangeResult>? _reply;
        private readonly ChatChangeResult _result;
        private readonly bool _endGuest;

        private Outgoing(ClientConnection? connection, ChatRuntime? chat, Party party, ServerFrame? frame,
            TaskCompletionSource<ChatChangeResult>? reply, ChatChangeResult result, bool endGuest)
        {
            _connection = connection;
            _chat = chat;
            _party = party;
            _frame = frame;
            _reply = reply;
            _result = result;
            _endGuest = endGuest;
        }

        public static Outgoing ToConnection(ClientConnection connection, ServerFrame frame) =>
            new(connection, null, default, frame, null, default, false);

        public static Outgoing ToParty(ChatRuntime chat, Party party, ServerFrame frame) =>
            new(null, chat, party, frame, null, default, false);

        public static Outgoing EndGuest(ChatRuntime chat) => new(null, chat, Party.Guest, null, null, default, true);

        public static Outgoing Reply(TaskCompletionSource<ChatChangeResult> reply, ChatChangeResult result) =>
            new(null, null, default, null, reply, result, false);

        public bool EndsGuest => _endGuest;

        public void Deliver(IRelay relay)
        {
            if (_reply is not null)
            {
                _reply.TrySetResult(_result);
            }
            else if (_connection is not null)
            {
                _connection.TrySend(_frame!);
            }
            else if (_endGuest)
            {
                relay.EndGuestSockets(_chat!.Id);
            }
            else if (_party == Party.Member)
            {
                relay.SendToDevice(_chat!.DeviceId, _frame!);
            }
            else
            {
                relay.SendToGuest(_chat!.Id, _frame!);
            }
        }

        public void Fail(Exception reason) => _reply?.TrySetException(new ChatWriterStoppedException(reason));
    }
}
