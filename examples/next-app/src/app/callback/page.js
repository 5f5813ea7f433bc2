'use client';
// The FitRankings popup lands here: hand the result to the opener, which closes the popup.
import { useEffect } from 'react';
import init, { handleCallback } from 'fitconnect';

export default function Callback() {
  useEffect(() => {
    init().then(() => handleCallback());
  }, []);
  return <p>Signing in…</p>;
}
