//! The history source.
