// The demo platform's dispatch Worker. Routing: the USER_ROUTING table by host, then by
// "host/first-path-segment", then the subdomain (customer-1.localhost -> customer-1). Limits: the
// customer's plan from CUSTOMERS, the plan's limits from PLANS. Violations are written to
// Analytics Engine and answered with 429.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const host = url.hostname;
    const firstSegment = url.pathname.split("/").filter(Boolean)[0];

    let workerName = await env.USER_ROUTING.get(host);
    if (!workerName && firstSegment) {
      workerName = await env.USER_ROUTING.get(`${host}/${firstSegment}`);
    }
    if (!workerName) {
      workerName = host.split(".")[0];
    }

    const plan = (await env.CUSTOMERS.get(workerName)) || "free";
    const limits = (await env.PLANS.get(plan, "json")) || { cpuMs: 10, subRequests: 5 };

    try {
      const userWorker = env.DISPATCHER.get(workerName, {}, { limits });
      return await userWorker.fetch(request);
    } catch (e) {
      if (e.message.startsWith("Worker not found")) {
        return new Response(`No Worker is routed for ${host}\n`, { status: 404 });
      }
      let kind = null;
      if (e.message.includes("CPU time limit")) kind = "cpu_limit_exceeded";
      else if (e.message.includes("Too many subrequests")) kind = "subrequest_limit_exceeded";
      else if (e.message.includes("memory limit")) kind = "memory_limit_exceeded";
      if (kind) {
        env.ANALYTICS.writeDataPoint({
          indexes: [workerName],
          blobs: [kind, plan, host, url.pathname],
          doubles: [limits.cpuMs, limits.subRequests],
        });
        return new Response(`${kind}: ${e.message}\n`, { status: 429 });
      }
      return new Response(e.message, { status: 500 });
    }
  },
};
