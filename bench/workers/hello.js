// The user Worker every HTTP configuration serves, byte for byte the same in workerd and
// Switchyard.
export default {
  fetch(request) {
    return new Response("hello world\n", { headers: { "content-type": "text/plain" } });
  },
};
