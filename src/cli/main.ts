#!/usr/bin/env node
// Entry point of the `kbench` command: the only place that touches process.argv and process.exitCode.
// First: kafkajs's producer fast path must be in place before anything loads kafkajs.
import '../engines/kafka/kafkajs-fast-path/install.js';
import { runCli } from './run-cli.js';

let stop = false;
process.on('SIGINT', () => {
  if (stop) process.exit(130); // a second Ctrl-C means now
  stop = true;
  process.stderr.write('\nkbench: stopping; draining and writing the partial report (Ctrl-C again to quit now)\n');
});

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stopRequested: () => stop,
});
process.exitCode = code;
