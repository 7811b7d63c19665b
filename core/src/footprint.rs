//! Footprints: the files a task will change, as its plan item names them. A task whose
//! footprint shares a file with a task running on another lane waits, so two lanes are never
//! given work on the same file at once. One rule for the App and for local mode.

use crate::globs::may_overlap;

/// A task holding a slot on a lane, and the files it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Running<'a> {
    pub lane: &'a str,
    /// How the task is named to people: `#12`, `task-1`.
    pub task: &'a str,
    pub footprint: &'a [String],
}

/// Why a task waits: the file it would change that another lane is changing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// The candidate's path that meets the running task's footprint.
    pub path: String,
    pub lane: String,
    pub task: String,
}

/// The first task running on another lane whose footprint shares a file with `footprint`,
/// for a task about to be given to `lane`; None when it may start.
pub fn must_wait(lane: &str, footprint: &[String], running: &[Running<'_>]) -> Option<Wait> {
    running
        .iter()
        .filter(|r| !r.lane.eq_ignore_ascii_case(lane))
        .find_map(|r| {
            footprint
                .iter()
                .find(|mine| r.footprint.iter().any(|theirs| shares(mine, theirs)))
                .map(|path| Wait {
                    path: path.clone(),
                    lane: r.lane.to_owned(),
                    task: r.task.to_owned(),
                })
        })
}

/// Whether two footprint entries (paths, folders written with a trailing `/`, or globs) may
/// name the same file. Claims follow the same rule.
pub fn shares(a: &str, b: &str) -> bool {
    may_overlap(&as_glob(a), &as_glob(b))
}

fn as_glob(path: &str) -> String {
    let path = path.trim().trim_start_matches("./");
    match path.strip_suffix('/') {
        Some(dir) => format!("{dir}/**"),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_task_waits_for_a_file_another_lane_is_changing() {
        let theirs = paths(&["src/store/notes.ts", "src/api/"]);
        let running = [Running {
            lane: "agent-2",
            task: "#12",
            footprint: &theirs,
        }];
        assert_eq!(
            must_wait(
                "agent-1",
                &paths(&["docs/a.md", "src/store/notes.ts"]),
                &running
            ),
            Some(Wait {
                path: "src/store/notes.ts".into(),
                lane: "agent-2".into(),
                task: "#12".into(),
            })
        );
        assert_eq!(
            must_wait("agent-1", &paths(&["src/api/client.ts"]), &running).map(|w| w.path),
            Some("src/api/client.ts".into()),
            "a folder holds its files"
        );
        assert_eq!(
            must_wait("agent-1", &paths(&["src/**/*.ts"]), &running).map(|w| w.task),
            Some("#12".into()),
            "a glob that may name the file"
        );
    }

    #[test]
    fn separate_files_the_same_lane_and_no_footprint_never_wait() {
        let theirs = paths(&["src/store/notes.ts"]);
        let running = [Running {
            lane: "agent-2",
            task: "#12",
            footprint: &theirs,
        }];
        assert_eq!(
            must_wait("agent-1", &paths(&["src/store/other.ts"]), &running),
            None
        );
        assert_eq!(
            must_wait("Agent-2", &paths(&["src/store/notes.ts"]), &running),
            None
        );
        assert_eq!(must_wait("agent-1", &[], &running), None);
    }
}
