/**
 * Child-process plumbing for the e2e control plane: free loopback ports,
 * detached process groups with log files, and group-wide termination.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FatalError, sleep } from './kube-http.ts';

export interface ProcessRecord {
  name: string;
  pid: number;
  logFile: string;
}

export interface Managed extends ProcessRecord {
  child: ChildProcess;
  /** throws FatalError with the log tail if the process has exited */
  assertAlive(): void;
}

/** Asks the kernel for a free 127.0.0.1 port (tiny race until the user binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `cmd` in its own process group (so `killGroup` also reaches its
 * children), stdout and stderr appended to `<logDir>/<name>.log`.
 */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Managed {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`failed to start ${name} (${cmd})`);
  child.unref();
  const pid = child.pid;
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  child.on('error', (err) => (exit = err.message));
  return {
    name,
    pid,
    logFile,
    child,
    assertAlive() {
      if (exit !== undefined) {
        throw new FatalError(`${name} stopped (${exit}); last log lines:\n${logTail(logFile)}`);
      }
    },
  };
}

/** True while `pid` exists and is not a zombie (an exited, unreaped child). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the process group led by `pid`; SIGKILL it after `graceMs`. */
export async function killGroup(pid: number, graceMs = 5_000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  while (isAlive(pid) && Date.now() < deadline + 2_000) await sleep(50);
}

/** Synchronous last resort for process 'exit' handlers. */
export function killGroupNow(pid: number): void {
  signalGroup(pid, 'SIGKILL');
}
