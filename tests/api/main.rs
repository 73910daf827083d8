//! The HTTP API (SPEC section 9): in-process through the router, and on a
//! real socket through the real binary.

// Tests spawn processes with a scrubbed environment (see support.rs).
#![allow(clippy::disallowed_methods)]

#[path = "../cli/support.rs"]
#[allow(dead_code)]
mod support;

mod harness;
mod orders;
mod plan;
mod routes;
mod socket;
mod tenancy;
mod token;
mod transport;
