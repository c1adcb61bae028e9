// bench/websocket.sh: answers every WebSocket message with the same message.
export default {
  async fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("websocket only", { status: 426 });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (e) => server.send(e.data));
    server.addEventListener("close", (e) => server.close(1000));
    return new Response(null, { status: 101, webSocket: client });
  },
};
