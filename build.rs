//! Tells the tests whether GitHub's real payloads and the plans with their truth lie beside
//! the clone (`../shared/fixtures/github-webhooks`, `../shared/plans`). Tests that read them
//! are marked ignored when they are absent, so the test runner reports them as not run
//! rather than as passed.

use std::path::Path;

const SHARED_FIXTURES: &str = "../shared/fixtures/github-webhooks";
const SHARED_PLANS: &str = "../shared/plans";

fn main() {
    println!("cargo::rerun-if-changed={SHARED_FIXTURES}");
    println!("cargo::rustc-check-cfg=cfg(no_shared_fixtures)");
    if !Path::new(SHARED_FIXTURES).is_dir() {
        println!("cargo::rustc-cfg=no_shared_fixtures");
    }
    println!("cargo::rerun-if-changed={SHARED_PLANS}");
    println!("cargo::rustc-check-cfg=cfg(no_shared_plans)");
    if !Path::new(SHARED_PLANS).is_dir() {
        println!("cargo::rustc-cfg=no_shared_plans");
    }
}
