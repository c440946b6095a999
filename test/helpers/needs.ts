import test, { type TestFn } from 'ava';

/**
 * Tests that need FUSE, root or real GlusterFS never skip: a machine without them fails them
 * with the command that installs what is missing, so a green run always means they ran.
 */
export function needing(ok: boolean, what: string): TestFn['serial'] {
  if (ok) return test.serial;
  const fail = ((title: string) =>
    test.serial(title, (t) => {
      t.fail(`${what} is missing on this machine: run \`bash scripts/install-deps.sh\` as root`);
    })) as unknown as TestFn['serial'];
  return fail;
}

export function needingConcurrent(ok: boolean, what: string): TestFn {
  if (ok) return test;
  return ((title: string) =>
    test(title, (t) => {
      t.fail(`${what} is missing on this machine: run \`bash scripts/install-deps.sh\` as root`);
    })) as unknown as TestFn;
}
