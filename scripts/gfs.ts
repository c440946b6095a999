#!/usr/bin/env node
// The `gfs` command. Subcommands live in scripts/cli/.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
