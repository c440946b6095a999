import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for the bricks that tests, benches and
 * fixture scripts start side by side (real glusterfsd and gfs-brick alike).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
