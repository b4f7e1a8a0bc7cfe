//! The checks a move runs before it writes anything.
