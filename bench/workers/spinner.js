// A tenant that never answers: each request spins until its CPU limit kills it.
export default {
  fetch(request) {
    for (;;) {}
  },
};
