'use client';
// A client component: runs the smoke test in the browser once mounted.
import { useEffect } from 'react';
import { smoke } from '../smoke.js';

export default function Smoke() {
  useEffect(() => {
    const ssr = document.getElementById('ssr')?.textContent;
    smoke().then(
      (result) => { window.__smoke = { ...result, ssr }; },
      (error) => { window.__smoke = { error: `${error?.name}: ${error?.message}`, ssr }; },
    );
  }, []);
  return null;
}
