import { PeriodicPass } from './periodic-pass';

describe('PeriodicPass', () => {
  it('shares the pass in progress with a call made during it, then runs a new one', async () => {
    let passes = 0;
    let finish!: () => void;
    const pass = new PeriodicPass(
      () => {
        passes++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      () => undefined,
    );
    const first = pass.run();
    const second = pass.run();
    expect(second).toBe(first);
    expect(passes).toBe(1);
    finish();
    await first;
    const third = pass.run();
    expect(passes).toBe(2);
    finish();
    await third;
  });

  it('reports a failed pass and runs the next one', async () => {
    const errors: string[] = [];
    let fail = true;
    const pass = new PeriodicPass(
      async () => {
        if (fail) throw new Error('storage away');
      },
      (error) => errors.push(error.message),
    );
    await pass.run();
    fail = false;
    await pass.run();
    expect(errors).toEqual(['storage away']);
  });

  it('runs at start, and stop waits for the pass in progress', async () => {
    let done = false;
    const pass = new PeriodicPass(
      () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            done = true;
            resolve();
          }, 50),
        ),
      () => undefined,
    );
    pass.start(60_000);
    await pass.stop();
    expect(done).toBe(true);
  });
});
