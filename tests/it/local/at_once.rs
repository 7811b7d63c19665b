//! Commands that change the task book, run at the same moment from several processes, as two
//! agents (or an agent and a person) do.

use super::scratch::Scratch;

const LANES: [&str; 3] = ["agent-1", "agent-2", "agent-3"];

/// `switchyard local VERB LANE` for every lane at once; each must succeed.
fn at_once(scratch: &Scratch, verb: &str) {
    std::thread::scope(|scope| {
        let runs: Vec<_> = LANES
            .iter()
            .map(|lane| scope.spawn(move || scratch.local(&[verb, lane])))
            .collect();
        for run in runs {
            let answer = run.join().expect("the command ran");
            assert_eq!(answer.code, 0, "{answer:?}");
        }
    });
}

#[test]
fn commands_changing_the_book_at_once_lose_no_write() {
    let scratch = Scratch::new();
    scratch.init();
    for round in 1..=4 {
        for lane in LANES {
            let answer = scratch.local(&["assign", lane, &format!("R{round}-{lane}"), "Work"]);
            assert_eq!(answer.code, 0, "{answer:?}");
        }
        at_once(&scratch, "start");
        let status = scratch.local(&["status", "--json"]).json();
        for (at, lane) in LANES.iter().enumerate() {
            let task = &status["lanes"][at]["tasks"][0];
            assert_eq!(task["id"], format!("R{round}-{lane}"), "{status}");
            assert_eq!(task["started"], true, "round {round}: {status}");
        }
        at_once(&scratch, "complete");
        let status = scratch.local(&["status", "--json"]).json();
        for (at, lane) in LANES.iter().enumerate() {
            let done = &status["lanes"][at]["done"];
            assert_eq!(done.as_array().map(Vec::len), Some(round), "{status}");
            assert_eq!(done[round - 1], format!("R{round}-{lane}"), "{status}");
        }
    }
}
