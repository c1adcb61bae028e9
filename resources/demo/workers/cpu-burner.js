// Burns CPU for ?ms=N milliseconds (default 200): on the free plan (10 ms) it is stopped.
export default {
  async fetch(request) {
    const ms = Number(new URL(request.url).searchParams.get("ms") ?? 200);
    const start = Date.now();
    let x = 0;
    while (Date.now() - start < ms) {
      for (let i = 0; i < 1000; i++) x += Math.sqrt(i * x + 1);
    }
    return new Response(`burned ${ms} ms (${x > 0})\n`);
  },
};
