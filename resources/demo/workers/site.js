// A customer's small web site.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const html = `<!doctype html>
<html><head><title>${env.SITE_NAME}</title></head>
<body><h1>${env.SITE_NAME}</h1>
<p>Served by a user Worker in the <code>production</code> dispatch namespace.</p>
<p>You asked for <code>${url.pathname}</code> on <code>${url.hostname}</code>.</p>
</body></html>`;
    return new Response(html, { headers: { "content-type": "text/html;charset=UTF-8" } });
  },
};
