// Reads /proc/net/tcp and /proc/net/tcp6 tables: which socket inodes sit on a local port in which state.

/** Socket states as /proc/net/tcp writes them (hex). */
export const TCP_STATE = {
  ESTABLISHED: '01',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  CLOSE_WAIT: '08',
  LAST_ACK: '09',
  LISTEN: '0A',
  CLOSING: '0B',
} as const;

/** Inodes of the sockets whose local port is `port` and whose state is one of `states`. */
export function socketInodes(procNetTcp: string, port: number, states: readonly string[]): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || !inode || inode === '0' || !states.includes(state ?? '')) continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.push(inode);
  }
  return inodes;
}
