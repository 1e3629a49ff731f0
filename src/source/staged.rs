//! The staged source.
