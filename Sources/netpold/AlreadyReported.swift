/// An error whose message has already been printed (the server's refusal, kubectl-style).
struct AlreadyReported: Error {}
