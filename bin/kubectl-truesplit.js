#!/usr/bin/env node
// kubectl plugin: on PATH as `kubectl-truesplit`, `kubectl truesplit <command>` runs truesplit.
import '../dist/cli/main.js';
