// The bench's MQTT broker on its own thread (line-broker.ts, ThreadBroker): the plant's broker is
// not part of the station, so its routing must not queue behind the station's model steps.
import { createServer } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Aedes } from 'aedes';

let admitting = workerData.admitOnly;
const broker = await Aedes.createBroker({
  authenticate: (client, _user, _password, done) => done(null, admitting === null || client.id === admitting),
});
// TCP_NODELAY, as the bench's clients: the broker's own PUBACK must not hold back the next message
// it routes to the same peer until that peer's delayed ACK (Nagle).
const server = createServer((conn) => {
  conn.setNoDelay(true);
  broker.handle(conn);
});
server.once('error', (err) => parentPort.postMessage({ kind: 'error', message: err.message }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ kind: 'listening', port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'admitAll') admitting = null;
  if (m === 'stop') broker.close(() => server.close(() => parentPort.postMessage({ kind: 'stopped' })));
});
