//! Footprints: the files a task will change. A task whose footprint shares a file with a task
//! running on another lane waits, so two lanes are never given work on the same file at
//! once; and a task goes to the lane that holds its files, or last changed them, before any
//! other, so the file's changes stay on one branch. One rule for the App and for local mode.
//!
//! A task's footprint is the files its plan item names (the files section `plan apply`
//! writes into its issue, or any files label there), else its tracks' paths, else the paths
//! its description names.

use crate::globs::may_overlap;
use crate::planfile::issue_files;

/// A task holding a slot on a lane (or one that held it), and the files it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Running<'a, T> {
    pub lane: &'a str,
    /// The task, as the caller names it: an issue number, a task id.
    pub task: T,
    pub footprint: &'a [String],
}

/// Why a task waits: the file it would change that another lane is changing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Wait<T> {
    /// The candidate's path that meets the running task's footprint.
    pub path: String,
    pub lane: String,
    pub task: T,
}

/// Where a task may start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatch<T> {
    /// On the free lane at this position.
    Start(usize),
    /// Every free lane would put it beside a task changing one of its files.
    Wait(Wait<T>),
    /// No lane is free.
    NoRoom,
}

/// The footprint of a task: the files its description lists (under a files label, as
/// `plan apply` writes them), else its tracks' paths, else the paths its description names.
pub fn of_task(body: &str, track_paths: &[String]) -> Vec<String> {
    let files = issue_files(body);
    if !files.listed.is_empty() {
        files.listed
    } else if !track_paths.is_empty() {
        track_paths.to_vec()
    } else {
        files.named
    }
}

/// The first task running on another lane whose footprint shares a file with `footprint`,
/// for a task about to be given to `lane`; None when it may start there.
pub fn must_wait<T: Clone>(
    lane: &str,
    footprint: &[String],
    running: &[Running<'_, T>],
) -> Option<Wait<T>> {
    running
        .iter()
        .filter(|r| !r.lane.eq_ignore_ascii_case(lane))
        .find_map(|r| {
            shared_path(footprint, r.footprint).map(|path| Wait {
                path: path.to_owned(),
                lane: r.lane.to_owned(),
                task: r.task.clone(),
            })
        })
}

/// The lane of the first of `holders` whose footprint shares a file with `footprint`.
pub fn holder_lane<'a, T>(footprint: &[String], holders: &[Running<'a, T>]) -> Option<&'a str> {
    holders
        .iter()
        .find(|h| shared_path(footprint, h.footprint).is_some())
        .map(|h| h.lane)
}

/// Where a task with `footprint` starts among the `free` lanes (those with room, best first
/// by the other rules): a lane where it waits for no other lane's task, the lane holding or
/// last holding one of its files first. `finished` lists finished tasks, most recent first:
/// the lane that last changed a file keeps its changes on its branch, so it gets the next
/// task on that file when it is free.
pub fn dispatch<T: Clone>(
    free: &[&str],
    footprint: &[String],
    running: &[Running<'_, T>],
    finished: &[Running<'_, T>],
) -> Dispatch<T> {
    let Some(&first) = free.first() else {
        return Dispatch::NoRoom;
    };
    let allowed: Vec<usize> = (0..free.len())
        .filter(|&at| must_wait(free[at], footprint, running).is_none())
        .collect();
    let Some(&best) = allowed.first() else {
        return must_wait(first, footprint, running).map_or(Dispatch::NoRoom, Dispatch::Wait);
    };
    let holder = holder_lane(footprint, running).or_else(|| holder_lane(footprint, finished));
    let preferred = holder.and_then(|lane| {
        allowed
            .iter()
            .copied()
            .find(|&at| free[at].eq_ignore_ascii_case(lane))
    });
    Dispatch::Start(preferred.unwrap_or(best))
}

/// The first path of `mine` that may name a file of `theirs`.
fn shared_path<'m>(mine: &'m [String], theirs: &[String]) -> Option<&'m str> {
    mine.iter()
        .find(|path| theirs.iter().any(|other| shares(path, other)))
        .map(String::as_str)
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
            task: 12,
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
                task: 12,
            })
        );
        assert_eq!(
            must_wait("agent-1", &paths(&["src/api/client.ts"]), &running).map(|w| w.path),
            Some("src/api/client.ts".into()),
            "a folder holds its files"
        );
        assert_eq!(
            must_wait("agent-1", &paths(&["src/**/*.ts"]), &running).map(|w| w.task),
            Some(12),
            "a glob that may name the file"
        );
    }

    #[test]
    fn separate_files_the_same_lane_and_no_footprint_never_wait() {
        let theirs = paths(&["src/store/notes.ts"]);
        let running = [Running {
            lane: "agent-2",
            task: 12,
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

    #[test]
    fn the_lane_holding_the_file_takes_the_task_when_it_has_room() {
        let held = paths(&["src/app.rs"]);
        let running = [Running {
            lane: "agent-2",
            task: 1,
            footprint: &held,
        }];
        let mine = paths(&["src/app.rs"]);
        assert_eq!(
            dispatch(&["agent-1", "agent-2", "agent-3"], &mine, &running, &[]),
            Dispatch::Start(1),
            "beside its holder on one lane, never on another"
        );
        assert_eq!(
            dispatch(&["agent-1", "agent-3"], &mine, &running, &[]),
            Dispatch::Wait(Wait {
                path: "src/app.rs".into(),
                lane: "agent-2".into(),
                task: 1,
            }),
            "the holder lane is full"
        );
        assert_eq!(
            dispatch(&["agent-1", "agent-3"], &paths(&["docs/"]), &running, &[]),
            Dispatch::Start(0),
            "other files go anywhere"
        );
        assert_eq!(dispatch::<u64>(&[], &mine, &running, &[]), Dispatch::NoRoom);
    }

    #[test]
    fn the_lane_that_last_changed_the_file_is_preferred_once_it_is_done() {
        let old = paths(&["src/app.rs"]);
        let newer = paths(&["src/app.rs", "src/cli.rs"]);
        let finished = [
            Running {
                lane: "agent-3",
                task: 2,
                footprint: &newer,
            },
            Running {
                lane: "agent-1",
                task: 1,
                footprint: &old,
            },
        ];
        let mine = paths(&["src/app.rs"]);
        let free = ["agent-1", "agent-2", "agent-3"];
        assert_eq!(dispatch(&free, &mine, &[], &finished), Dispatch::Start(2));
        assert_eq!(
            dispatch(&free, &paths(&["README.md"]), &[], &finished),
            Dispatch::Start(0)
        );
        assert_eq!(
            dispatch(&free[..2], &mine, &[], &finished),
            Dispatch::Start(0),
            "the last holder is busy: the first free lane"
        );
    }

    #[test]
    fn tasks_on_two_lanes_leave_no_lane_to_start_on() {
        let a = paths(&["src/a.rs"]);
        let b = paths(&["src/b.rs"]);
        let running = [
            Running {
                lane: "agent-1",
                task: 1,
                footprint: &a,
            },
            Running {
                lane: "agent-2",
                task: 2,
                footprint: &b,
            },
        ];
        let both = paths(&["src/a.rs", "src/b.rs"]);
        assert_eq!(
            dispatch(&["agent-1", "agent-2"], &both, &running, &[]),
            Dispatch::Wait(Wait {
                path: "src/b.rs".into(),
                lane: "agent-2".into(),
                task: 2,
            })
        );
    }

    #[test]
    fn the_footprint_is_the_listed_files_else_the_tracks_else_the_named_paths() {
        let tracks = paths(&["src/api/**"]);
        let listed = "Also changes `src/app.ts`.\n\n**Files:**\n\n- `src/store/notes.ts`\n";
        assert_eq!(of_task(listed, &tracks), ["src/store/notes.ts"]);
        let prose = "Change `src/app.ts` to read the setting.";
        assert_eq!(of_task(prose, &tracks), ["src/api/**"]);
        assert_eq!(of_task(prose, &[]), ["src/app.ts"]);
        assert_eq!(of_task("", &[]), Vec::<String>::new());
    }
}
