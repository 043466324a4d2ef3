/** Hash routing between the Rollouts list and one Rollout. */
import { useEffect, useState, type ReactNode } from 'react';
import { getInfo, type DashboardInfo } from './api.js';
import { h } from './h.js';
import { RolloutPage } from './rollout-page.js';
import { RolloutsPage } from './rollouts-page.js';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

export function App(): ReactNode {
  const hash = useHash();
  const [info, setInfo] = useState<DashboardInfo | undefined>(undefined);
  useEffect(() => {
    getInfo().then(setInfo, () => setInfo(undefined));
  }, []);
  const match = /^#\/rollouts\/([^/]+)\/([^/]+)$/.exec(hash);
  const page = match
    ? h(RolloutPage, {
        key: hash,
        namespace: decodeURIComponent(match[1]!),
        name: decodeURIComponent(match[2]!),
        info,
      })
    : h(RolloutsPage, null);
  return h(
    'div',
    { className: 'app' },
    h(
      'nav',
      { className: 'topbar' },
      h('a', { href: '#/', className: 'brand' }, h('span', { className: 'logo' }, '◐'), 'truesplit'),
      h('span', { className: 'tagline' }, 'the split every caller really gets'),
      info
        ? h(
            'span',
            { className: `mode mode-${info.mode}` },
            info.mode === 'sandbox' ? 'sandbox · simulated cluster' : 'cluster',
          )
        : null,
    ),
    page,
  );
}
