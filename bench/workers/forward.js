// Switchyard's thinnest dispatcher: every request to the user Worker "hello" of its dispatch
// namespace, no routing and no limits.
export default {
  fetch(request, env) {
    return env.DISPATCHER.get("hello").fetch(request);
  },
};
