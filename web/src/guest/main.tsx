import { render } from 'preact';
import '../styles/base.css';
import '../styles/chat.css';
import '../styles/guest.css';
import { GuestApp } from '../ui/guest/GuestApp';

render(<GuestApp />, document.getElementById('app')!);
