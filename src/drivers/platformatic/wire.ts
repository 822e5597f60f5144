// Raw Kafka requests through a @platformatic/kafka client's connections, for what its Admin does not
// offer (CreatePartitions, ListOffsets, OffsetFetch/OffsetCommit for any group, Metadata with ISRs and
// the controller): the client picks the highest API version both sides speak, as for its own requests.
import { fetchV15, kGetApi, kGetBootstrapConnection, kGetConnection, produceV9, type Base, type Broker, type Connection } from '@platformatic/kafka';

type Cb<T> = (error: Error | null, value: T) => void;
export type RawApi = (connection: Connection, ...args: any[]) => void;
// The symbols are exported for the library's friend classes; its typings declare them on Base only in part.
type Internals = {
  [kGetApi](name: string, cb: Cb<RawApi>): void;
  [kGetBootstrapConnection](cb: Cb<Connection>): void;
  [kGetConnection](broker: Broker, cb: Cb<Connection>): void;
};

const promised = <T>(start: (cb: Cb<T>) => void) => new Promise<T>((resolve, reject) => start((e, v) => (e ? reject(e) : resolve(v))));

/** Sends the request `api` (Kafka's API name: 'CreatePartitions') with `args` to `broker`, or to any
 * bootstrap broker; resolves with the parsed response (the library rejects one with any error code,
 * keeping the response on the error). */
export async function request<T = any>(client: Base, api: string, broker: Broker | null, ...args: unknown[]): Promise<T> {
  const c = client as unknown as Internals;
  const call = await promised<RawApi>((cb) => c[kGetApi](api, cb));
  const connection = await promised<Connection>((cb) => (broker ? c[kGetConnection](broker, cb) : c[kGetBootstrapConnection](cb)));
  return promised<T>((cb) => call(connection, ...args, cb));
}

/** Sends `api` (one of the library's, or one written here) with `args` to `broker`. */
export async function send<T = any>(client: Base, api: RawApi, broker: Broker, ...args: unknown[]): Promise<T> {
  const c = client as unknown as Internals;
  const connection = await promised<Connection>((cb) => c[kGetConnection](broker, cb));
  return promised<T>((cb) => api(connection, ...args, cb));
}

/** Records every connection `client` opens, so that close() can end them even when a broker never
 * answers: the library closes a socket by ending its side and waiting for the broker's, which a hung
 * broker never sends, and a socket left open keeps the process alive. */
export function closer(client: Base, close: () => Promise<void> = () => client.close()): () => Promise<void> {
  const connections = new Set<Connection>();
  client.on('client:broker:connect', (e: { connection?: Connection }) => {
    if (e?.connection) connections.add(e.connection);
  });
  client.on('client:broker:disconnect', (e: { connection?: Connection }) => {
    if (e?.connection) connections.delete(e.connection);
  });
  return async () => {
    let failure: unknown;
    const closing = close().catch((e) => (failure = e));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([closing.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 1000)))]);
    clearTimeout(timer);
    if (late) {
      for (const c of connections) c.socket?.destroy();
      await closing;
    }
    if (failure) throw failure;
  };
}

/** The highest versions whose answers the library reads right. Its reader skips tagged fields wrongly
 * (it takes their count for a byte length), and from Produce v10 and Fetch v16 (KIP-951) a broker
 * tags a NOT_LEADER_OR_FOLLOWER answer with the new leader: the library then misreads the answer
 * ("Out of bounds") and fails the send instead of retrying it, as seen on a freshly created topic. */
const HIGHEST: Record<string, { version: number }> = { Produce: produceV9.api, Fetch: fetchV15.api };

/** Makes `client` use at most the versions in HIGHEST (when the broker speaks them). */
export function capVersions(client: Base): void {
  const c = client as unknown as Internals;
  const pick = c[kGetApi].bind(client);
  c[kGetApi] = (name, cb) => pick(name, (error, api) => {
    const cap = HIGHEST[name] as unknown as RawApi & { version: number } | undefined;
    if (error || !cap || (api as unknown as { version: number }).version <= cap.version) cb(error, api);
    else cb(null, cap);
  });
}
