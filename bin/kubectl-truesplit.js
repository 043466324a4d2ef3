#!/usr/bin/env node
// kubectl plugin: on PATH as `kubectl-truesplit`, `kubectl truesplit <command>` runs truesplit.
import { requireNode } from './node-version.js';

requireNode('kubectl truesplit');
await import('../dist/cli/main.js');
