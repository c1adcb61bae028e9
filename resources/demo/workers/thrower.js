// Throws: the dispatcher's fetch() rejects with this message and the trace holds the exception.
export default {
  async fetch(request) {
    console.log("about to fail for", new URL(request.url).pathname);
    throw new Error("Something broke in customer code");
  },
};
