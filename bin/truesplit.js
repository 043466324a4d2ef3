#!/usr/bin/env node
// The `truesplit` command. The CLI is compiled TypeScript: `npm run build` writes dist/ first.
import { requireNode } from './node-version.js';

requireNode('truesplit');
await import('../dist/cli/main.js');
