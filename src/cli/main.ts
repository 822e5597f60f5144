#!/usr/bin/env node
// Entry point of the `kbench` command: the only place that touches process.argv and process.exitCode.
// No client library is loaded here: a driver loads its own when a command first talks to Kafka
// (src/drivers/load.ts), with its patches in place before it (the kafkajs driver's fast path).
import { runCli } from './run-cli.js';

// Ctrl-C, and SIGTERM (what CI runners and container orchestrators send): stop sending, drain
// briefly, write the partial report, delete the run's topic and group, exit non-zero. The second
// signal means now.
let stop = false;
for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (stop) process.exit(exitCode);
    stop = true;
    process.stderr.write(`\nkbench: ${signal === 'SIGINT' ? 'stopping' : 'SIGTERM: stopping'}; draining and writing the partial report (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit now)\n`);
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stopRequested: () => stop,
});
// Exit as soon as everything is printed: a client's retry timers or a half-open socket to a broker
// that is gone must not keep the process alive after its answer.
process.exitCode = code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
