//! Integration tests: every user-visible rule, through the real binary.

// The harness hands PATH through to the processes it starts; the rule that only
// main reads the environment is for the product, not for its tests.
#![allow(clippy::disallowed_methods)]
// In tests a panic is the failure report, helpers included.
#![allow(clippy::unwrap_used)]

mod alerts;
mod batch;
mod bundle;
mod catalog;
mod columns;
mod concurrency;
mod copy;
mod env;
mod hardening;
mod help;
mod import;
mod init;
mod ledger_props;
mod orders;
mod output;
mod pipes;
mod plan;
mod postgres;
mod product;
mod recipes;
mod stock;
mod support;
mod tables;
