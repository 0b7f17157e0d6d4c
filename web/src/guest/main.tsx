import { render } from 'preact';
import '../styles/guest-page.css';
import { GuestApp } from '../ui/guest/GuestApp';
import { bootGuest } from './boot';
import { EMBEDDED_INVITATION_ID, embeddedInvitation } from './embedded';
import { reloadOnNewFragment, takeLinkFromAddress } from './link-location';

// Read before anything renders: the secret leaves the address bar at once.
const opened = takeLinkFromAddress();
reloadOnNewFragment();
// The invitation the server may have embedded; read once, then the block leaves the document.
const block = document.getElementById(EMBEDDED_INVITATION_ID);
const embedded = opened.invitationId ? embeddedInvitation(block?.textContent, opened.invitationId) : null;
block?.remove();

render(<GuestApp start={(show) => bootGuest(opened, embedded, show)} />, document.getElementById('app')!);
