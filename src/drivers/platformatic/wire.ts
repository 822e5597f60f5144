// Raw Kafka requests through a @platformatic/kafka client's connections, for what its Admin does not
// offer (CreatePartitions, ListOffsets, OffsetFetch/OffsetCommit for any group, Metadata with ISRs and
// the controller): the client picks the highest API version both sides speak, as for its own requests.
import { kGetApi, kGetBootstrapConnection, kGetConnection, type Base, type Broker, type Connection } from '@platformatic/kafka';

type Cb<T> = (error: Error | null, value: T) => void;
type RawApi = (connection: Connection, ...args: unknown[]) => void;
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
