/**
 * Starts a newly joined chat's connection once its session is stored in this browser (see `JoinedChat.saved`):
 * the chat is on screen while the write finishes, but it receives and acknowledges nothing this browser could not
 * read again after a reload. When the write fails, `lost` is told instead and the chat never connects.
 *
 * Returns what stops the chat (before or after it started); once stopped, neither `start` nor `lost` is called.
 */
export function startWhenSaved(chat: { start(): void; stop(): void }, saved: Promise<void>, lost: (error: unknown) => void): () => void {
  let active = true;
  saved.then(
    () => {
      if (active) chat.start();
    },
    (error: unknown) => {
      if (active) lost(error);
    },
  );
  return () => {
    active = false;
    chat.stop();
  };
}
