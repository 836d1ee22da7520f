// The local IP address this machine uses to reach the PBX: the default callback host when the settings leave
// it empty. A UDP "connect" only selects a route (no packet is sent), so this is instant and harmless.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

export async function localAddressFacing(pbxUrl: string): Promise<string> {
  const u = new URL(pbxUrl);
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const address = isIP(hostname) ? hostname : (await lookup(hostname)).address;
  const family = isIP(address) === 6 ? 'udp6' : 'udp4';
  const socket = dgram.createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(Number(u.port) || (u.protocol === 'https:' ? 443 : 80), address, () => resolve());
    });
    return socket.address().address;
  } catch (err) {
    throw new Error(`Cannot find the local address that reaches ${u.host} (${(err as Error).message}); set the STARFACE callback host in the settings.`);
  } finally {
    socket.close();
  }
}
