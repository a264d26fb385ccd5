import type { EmbeddedServer } from '../../cli/db/embedded';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { openciemTestServer?: EmbeddedServer }).openciemTestServer?.stop();
}
