// bench/workers/hs256.js in Node (the pinned Node 20 of tests/fidelity/oracle, or `node`):
// prints "<mode> <operations per second>" for verify and jwt, best of five one-second rounds.
import worker from './workers/hs256.js';

const n = 2000;
for (const mode of ['verify', 'jwt']) {
  await worker.fetch(new Request(`http://bench/?mode=${mode}&n=${n}`)); // warm up
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let done = 0;
    const start = performance.now();
    while (performance.now() - start < 1000) {
      const r = await worker.fetch(new Request(`http://bench/?mode=${mode}&n=${n}`));
      if (Number(await r.text()) !== n) throw new Error('verification failed');
      done += n;
    }
    best = Math.max(best, done / ((performance.now() - start) / 1000));
  }
  console.log(mode, Math.round(best));
}
