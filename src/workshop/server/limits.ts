// What one learner may ask of the workshop server, on top of the bridge's own limits (which
// apply to each learner's live cells as they do to `kubelab serve`'s).
export const workshopLimits = {
  /** Requests a second a learner makes on average (pages, kubectl), and how many at once in a burst. */
  ratePerSecond: 20,
  burst: 80,
  /** Largest request body through the kubeconfig forward: kubectl apply of a large manifest fits. */
  forwardBodyBytes: 3 * 1024 * 1024,
  /** Requests through the forward at once per learner, watches included. */
  forwardConcurrent: 24,
  /** Instructor streams at once. */
  instructorStreams: 8,
};
