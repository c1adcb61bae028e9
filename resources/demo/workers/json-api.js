// A customer's JSON API: /time, /echo (POST), anything else lists the routes.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/time")) {
      return Response.json({ now: new Date().toISOString() });
    }
    if (url.pathname.endsWith("/echo")) {
      const body = request.method === "POST" ? await request.text() : null;
      return Response.json({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
      });
    }
    return Response.json({ routes: ["/time", "/echo"] });
  },
};
