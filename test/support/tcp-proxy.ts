/**
 * A TCP fault proxy for tests: listens on a free local port, forwards every connection to a real
 * server (PostgreSQL, MariaDB), and on command cuts connections (RST or FIN), stalls them (stops
 * forwarding in one or both directions without closing), and resumes them. Faults can be aimed at
 * the n-th connection only, or armed as rules that fire after N bytes or when a given text (a
 * statement) passes from the client to the server.
 *
 * It runs inside the test process: start the CLI under test with an asynchronous spawn
 * (`startRetort` in cli-async.ts), never `spawnSync`, which would block the event loop and so
 * the proxy itself.
 *
 * ```ts
 * const proxy = await startTcpProxy({ port: 5432 });
 * const url = proxy.url(database.url);                 // the same URL through the proxy
 * const fired = proxy.when({ sent: 'INSERT INTO t2' }, { cut: 'rst' });
 * const run = startRetort(dir, ['--url', url, 'upgrade', 'head', '--json']);
 * await fired;                                         // the statement reached the server, then the cut
 * ```
 */
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/** Which way bytes flow: `up` from the client to the server, `down` from the server to the client. */
export type Direction = 'up' | 'down';

/** How a cut closes the sockets: `rst` resets both (ECONNRESET), `fin` ends them cleanly (EOF). */
export type CutMode = 'rst' | 'fin';

/** What a stall stops: both directions, or one. */
export type StallMode = 'both' | Direction;

/** Which connections a command applies to: all open ones (default), or the n-th accepted (1-based). */
export interface Aim {
  readonly connection?: number;
}

/**
 * When an armed rule fires. Every given condition must hold. A trigger with neither `sent` nor
 * `bytes` fires when its connection is accepted (at once if it is already open; without
 * `connection`, on the next one accepted): a fault during the handshake.
 */
export interface Trigger {
  /** Only on the n-th connection accepted (1-based); without it, on any connection. */
  readonly connection?: number;
  /** When this text (or pattern) has passed from the client towards the server on one connection. */
  readonly sent?: string | RegExp;
  /** With `sent`: `after` (default) forwards the bytes that complete the text first, so the server gets the statement; `before` holds them back. */
  readonly at?: 'before' | 'after';
  /** Once this many bytes have passed in `direction` (default `up`) on one connection. */
  readonly bytes?: number;
  readonly direction?: Direction;
}

/** What a rule does when it fires: cut or stall the connection it fired on (or, with `all`, every open one). */
export type Action = ({ readonly cut: CutMode } | { readonly stall: StallMode }) & { readonly all?: boolean };

/** One proxied connection. */
export interface ProxiedConnection {
  /** 1-based order of acceptance. */
  readonly index: number;
  /** Bytes forwarded so far in each direction. */
  readonly forwarded: Readonly<Record<Direction, number>>;
  /** Bytes received and held back by a stall, per direction. */
  readonly held: Readonly<Record<Direction, number>>;
  /** True once either side closed or the proxy cut it. */
  readonly closed: boolean;
}

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** The server's port. */
  readonly port: number;
  /** The server's host (default 127.0.0.1). */
  readonly host?: string;
}

/** A running proxy; see the module comment. */
export interface TcpProxy {
  /** The local port it listens on (127.0.0.1). */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string;
  /** Every connection accepted so far, in order. */
  connections(): readonly ProxiedConnection[];
  /** Cut open connections now (all, or the aimed one). */
  cut(mode?: CutMode, aim?: Aim): void;
  /**
   * Resolves once the aimed connections' client sockets are closed. After a FIN cut that is when
   * the client answered with its own FIN: its process has read the end (its driver knows).
   */
  clientClosed(aim?: Aim): Promise<void>;
  /**
   * Stall now: stop forwarding (the bytes are kept, not dropped) on the aimed connection, or on
   * every open one and every one accepted from now on until {@link resume}.
   */
  stall(mode?: StallMode, aim?: Aim): void;
  /** Forward again, held bytes first, on every connection (or the aimed one); new connections flow. */
  resume(aim?: Aim): void;
  /** Arm a rule: `action` once `trigger` holds. The promise resolves (with the connection's index) when it fired. */
  when(trigger: Trigger, action: Action): Promise<number>;
  /** Resolves once `n` connections have been accepted in total. */
  waitForConnections(n: number): Promise<void>;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

interface Rule {
  readonly trigger: Trigger;
  readonly action: Action;
  readonly fire: (index: number) => void;
  /** Per connection: the tail of the upstream text seen so far (for `sent` across chunk borders). */
  readonly tails: Map<number, string>;
}

class Link implements ProxiedConnection {
  readonly forwarded = { up: 0, down: 0 };
  readonly held = { up: 0, down: 0 };
  closed = false;
  private readonly stalled = { up: false, down: false };
  private readonly queue: Record<Direction, Buffer[]> = { up: [], down: [] };

  constructor(
    readonly index: number,
    private readonly client: Socket,
    private readonly server: Socket,
  ) {
    this.clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  }

  /** The socket bytes of `direction` are written to. */
  private sink(direction: Direction): Socket {
    return direction === 'up' ? this.server : this.client;
  }

  send(direction: Direction, chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    if (this.stalled[direction]) {
      this.queue[direction].push(chunk);
      this.held[direction] += chunk.length;
      return;
    }
    this.forwarded[direction] += chunk.length;
    this.sink(direction).write(chunk);
  }

  stall(mode: StallMode): void {
    if (mode !== 'down') this.stalled.up = true;
    if (mode !== 'up') this.stalled.down = true;
  }

  resume(): void {
    for (const direction of ['up', 'down'] as const) {
      this.stalled[direction] = false;
      const queued = this.queue[direction].splice(0);
      this.held[direction] = 0;
      for (const chunk of queued) this.send(direction, chunk);
    }
  }

  /** Resolves once the client's socket is closed: after a FIN cut, when the client answered it. */
  readonly clientClosed: Promise<void>;

  cut(mode: CutMode): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of [this.client, this.server]) {
      if (mode === 'rst') socket.resetAndDestroy();
      else {
        // Kept open until the peer answers with its own FIN, which a Node client sends once its
        // event loop has read the end (so a test can wait until the client knows), or for 2 s.
        socket.end();
        const timer = setTimeout(() => socket.destroy(), 2_000);
        socket.once('end', () => socket.destroy());
        socket.once('close', () => clearTimeout(timer));
      }
    }
  }

  /**
   * One side went away: close the other the same way (an end stays an end, an error a reset),
   * unless the way towards it is stalled: a black hole passes no close either.
   */
  lost(from: Socket, hadError: boolean): void {
    if (this.closed) return;
    if (this.stalled[from === this.client ? 'up' : 'down']) return;
    this.closed = true;
    const other = from === this.client ? this.server : this.client;
    if (hadError) other.resetAndDestroy();
    else other.end(() => other.destroy());
  }
}

/** Host and port of `url` replaced by 127.0.0.1:`port` (user, password, database and parameters kept). */
function rewriteUrl(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** Where `pattern` occurs in `text` (bytes read as latin1, so a string pattern is compared by its UTF-8 bytes). */
function textMatch(pattern: string | RegExp, text: string): number {
  if (typeof pattern === 'string') return text.indexOf(Buffer.from(pattern, 'utf8').toString('latin1'));
  return text.search(pattern);
}

/** Start a proxy to `options.host:options.port` on a free local port. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const host = options.host ?? '127.0.0.1';
  const links: Link[] = [];
  const rules: Rule[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  // A stall of "every connection" also holds connections accepted later, until resume().
  let stallNew: StallMode | undefined;

  const aimed = (aim: Aim | undefined): Link[] => (aim?.connection === undefined ? links.filter((l) => !l.closed) : links.filter((l) => l.index === aim.connection));

  const apply = (link: Link, action: Action): void => {
    const targets = action.all ? links.filter((l) => !l.closed) : [link];
    for (const target of targets) {
      if ('cut' in action) target.cut(action.cut);
      else target.stall(action.stall);
    }
  };

  /**
   * Runs the rules on a chunk about to go `direction` on `link`; returns the part to forward
   * before a fired action takes effect (the whole chunk when nothing fired).
   */
  const check = (link: Link, direction: Direction, chunk: Buffer): { forward: Buffer; fired?: Action; rest: Buffer } => {
    for (const rule of [...rules]) {
      const { trigger } = rule;
      if (trigger.sent === undefined && trigger.bytes === undefined) continue;
      if (trigger.connection !== undefined && trigger.connection !== link.index) continue;
      let fires = true;
      let split = chunk.length;
      if (trigger.bytes !== undefined) {
        const dir = trigger.direction ?? 'up';
        if (dir !== direction) continue;
        const before = link.forwarded[dir] + link.held[dir];
        if (before + chunk.length < trigger.bytes) fires = false;
        else split = Math.max(0, trigger.bytes - before);
      }
      if (trigger.sent !== undefined) {
        if (direction !== 'up') continue;
        const tail = rule.tails.get(link.index) ?? '';
        const text = tail + chunk.toString('latin1');
        if (textMatch(trigger.sent, text) < 0) {
          rule.tails.set(link.index, text.slice(-(typeof trigger.sent === 'string' ? Buffer.byteLength(trigger.sent) : 4096)));
          fires = false;
        } else {
          // `after`: the whole chunk (the statement's message) reaches the server first;
          // `before`: none of it does (held by a stall, dropped by a cut).
          split = trigger.at === 'before' ? 0 : chunk.length;
        }
      }
      if (!fires) continue;
      rules.splice(rules.indexOf(rule), 1);
      rule.fire(link.index);
      return { forward: chunk.subarray(0, split), fired: rule.action, rest: chunk.subarray(split) };
    }
    return { forward: chunk, rest: Buffer.alloc(0) };
  };

  const pipe = (link: Link, direction: Direction, chunk: Buffer): void => {
    const { forward, fired, rest } = check(link, direction, chunk);
    link.send(direction, forward);
    if (fired === undefined) return;
    apply(link, fired);
    // After a stall the rest is held (kept for resume); after a cut it is dropped.
    link.send(direction, rest);
  };

  const server: Server = createServer((client) => {
    const upstream = new Socket();
    const link = new Link(links.length + 1, client, upstream);
    links.push(link);
    if (stallNew !== undefined) link.stall(stallNew);
    for (const waiter of waiters.filter((w) => links.length >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    // A rule with no byte condition fires as its connection is accepted (a fault in the handshake).
    for (const rule of [...rules]) {
      const { trigger } = rule;
      const onAccept = trigger.sent === undefined && trigger.bytes === undefined;
      if (onAccept && (trigger.connection === undefined || trigger.connection === link.index)) {
        rules.splice(rules.indexOf(rule), 1);
        rule.fire(link.index);
        apply(link, rule.action);
      }
    }
    client.on('data', (chunk: Buffer) => pipe(link, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => pipe(link, 'down', chunk));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', (hadError) => link.lost(client, hadError));
    upstream.on('close', (hadError) => link.lost(upstream, hadError));
    upstream.connect(options.port, host);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (url) => rewriteUrl(url, port),
    connections: () => links,
    cut(mode = 'rst', aim) {
      for (const link of aimed(aim)) link.cut(mode);
    },
    clientClosed(aim) {
      const targets = aim?.connection === undefined ? links : links.filter((l) => l.index === aim.connection);
      return Promise.all(targets.map((l) => l.clientClosed)).then(() => undefined);
    },
    stall(mode = 'both', aim) {
      if (aim?.connection === undefined) stallNew = mode;
      for (const link of aimed(aim)) link.stall(mode);
    },
    resume(aim) {
      if (aim?.connection === undefined) stallNew = undefined;
      for (const link of aimed(aim)) link.resume();
    },
    when(trigger, action) {
      return new Promise<number>((resolve) => {
        rules.push({ trigger, action, fire: resolve, tails: new Map() });
        // A connection-only rule for a connection already open fires now.
        const open = trigger.connection === undefined ? undefined : links.find((l) => l.index === trigger.connection);
        if (open && trigger.sent === undefined && trigger.bytes === undefined) {
          rules.pop();
          resolve(open.index);
          apply(open, action);
        }
      });
    },
    waitForConnections(n) {
      if (links.length >= n) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      for (const link of links) link.cut('rst');
      rules.length = 0;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
