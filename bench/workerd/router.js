// workerd has no local dispatch namespaces: the router reaches the user Worker through a service
// binding, the closest workerd gets to Switchyard's forwarding dispatcher.
export default {
  fetch(request, env) {
    return env.USER.fetch(request);
  },
};
