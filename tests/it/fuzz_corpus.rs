//! The fuzz targets' saved corpus, replayed on stable: every input `cargo fuzz` kept (and
//! every crash it found, once fixed) goes through the same function the target runs.

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

/// What a fuzz target does with one input.
type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 5] = [
    ("webhook", targets::webhook),
    ("patch", targets::patch),
    ("config", targets::config),
    ("commands", targets::commands),
    ("setup_callback", targets::setup_callback),
];

#[test]
fn every_saved_input_passes_its_target() {
    for (target, run) in TARGETS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus")
            .join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a corpus entry").path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{} holds no input", dir.display());
        for path in inputs {
            let data = std::fs::read(&path).expect("a corpus file reads");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} fails", path.display());
        }
    }
}
