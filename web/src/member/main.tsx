import { render } from 'preact';
import '../styles/base.css';
import '../styles/chat.css';
import '../styles/member.css';
import { MemberApp } from '../ui/member/MemberApp';

render(<MemberApp />, document.getElementById('app')!);
