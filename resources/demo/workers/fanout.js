// Makes ?n=N subrequests (default 10) to the site Worker: over the plan's subRequests the
// (N+1)-th fetch() throws "Too many subrequests.".
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n") ?? 10);
    const target = `${url.protocol}//site.localhost:${url.port || 80}/`;
    const statuses = [];
    for (let i = 0; i < n; i++) {
      const response = await fetch(target);
      statuses.push(response.status);
    }
    return Response.json({ subrequests: n, statuses });
  },
};
