// The address bar holds the user's token until handleCallback() removes it: no request from the
// callback page may carry it in a Referer (Next.js renders this as <meta name="referrer">).
export const metadata = { referrer: 'no-referrer' };

export default function CallbackLayout({ children }) {
  return children;
}
