#!/usr/bin/env node
// Runs mirrorctl from its TypeScript source (tsx resolves the workspace's @mirrormaker/* paths).
require('tsx/cjs');
require('../src/main.ts');
