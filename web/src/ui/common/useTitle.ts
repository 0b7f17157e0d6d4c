import { useEffect } from 'preact/hooks';

/** Shows unread messages in the tab's title, "(2) GuestChat", so a background tab says something arrived. */
export function useUnreadTitle(base: string, unread: number): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${base}` : base;
  }, [base, unread]);
}
