# workerd configurations for bench/run.sh: `direct` serves the hello user Worker itself, `routed`
# puts a router Worker in front of it, reaching it through a service binding. run.sh sets the
# listening address with --socket-addr http=127.0.0.1:PORT.
using Workerd = import "/workerd/workerd.capnp";

const direct :Workerd.Config = (
  services = [ (name = "hello", worker = .hello) ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "hello") ],
);

const routed :Workerd.Config = (
  services = [
    (name = "router", worker = .router),
    (name = "hello", worker = .hello),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "router") ],
);

const hello :Workerd.Worker = (
  modules = [ (name = "hello.js", esModule = embed "../workers/hello.js") ],
  compatibilityDate = "2024-09-23",
);

const router :Workerd.Worker = (
  modules = [ (name = "router.js", esModule = embed "router.js") ],
  compatibilityDate = "2024-09-23",
  bindings = [ (name = "USER", service = "hello") ],
);
