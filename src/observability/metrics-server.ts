import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** Where Prometheus scrapes. */
export const metricsPath = '/metrics';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the metrics on their own listener (loopback unless configured otherwise), apart from
 * the API's port so that they are never public by accident. GET /metrics only; anything else is
 * 404. Resolves once listening; rejects when the address cannot be bound.
 */
export function serveMetrics(
  metrics: Metrics,
  { host, port }: { readonly host: string; readonly port: number },
  logger: Logger,
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== metricsPath || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`Not found: metrics are at ${metricsPath}\n`);
      return;
    }
    metrics.scrape().then(
      (text) => {
        response.writeHead(200, {
          'content-type': metrics.registry.contentType,
          'cache-control': 'no-store',
        });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Could not collect the metrics');
        response
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`Could not collect the metrics: ${(error as Error).message}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}${metricsPath}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
