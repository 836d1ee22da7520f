// `presence-bridge sim <starface|graph> ...`: each simulator owns its argument parsing in src/simulators/<kind>/cli.ts.
type SimMain = { main: (argv: string[]) => Promise<number> };
const KINDS = ['starface', 'graph'];

export async function main(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (!kind || !KINDS.includes(kind)) {
    console.error('Which simulator? Use "presence-bridge sim starface ..." or "presence-bridge sim graph ...".');
    return 2;
  }
  const mod = (await import(`../simulators/${kind}/cli.js`)) as SimMain;
  return mod.main(rest);
}
