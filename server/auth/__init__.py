"""Sign-in, token rotation and the caller's identity."""
