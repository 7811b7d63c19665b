//! Recovering what GitHub could not deliver. GitHub logs every attempt at delivering an event
//! to the App's webhook and keeps the log three days, but never tries a failed delivery again
//! by itself. These rules read that log, newest first, and say which deliveries to ask for
//! again, where the next walk down the log may stop, and how old the oldest gap is.
//!
//! An event GitHub delivers has one guid (the `X-GitHub-Delivery` header, which the App records
//! when it accepts the event); each attempt at delivering it, the first and every redelivery,
//! has an id of its own, newer attempts larger ones. An event is delivered once any attempt was
//! answered 2xx, or once the App recorded its guid (an answer that was lost or late does not
//! undo that).

use std::collections::{BTreeMap, HashSet};

/// GitHub's id of one attempt at delivering an event (`id` in its delivery log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HookDeliveryId(pub u64);

/// The id every attempt at delivering one event shares: `guid` in GitHub's delivery log, the
/// `X-GitHub-Delivery` header of the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryGuid(pub String);

/// How long GitHub keeps its log of deliveries: older ones can be neither read nor redelivered.
pub const LOG_KEPT_SECS: i64 = 3 * 24 * 3600;

/// The checkpoint never passes an attempt younger than this: GitHub may still be logging an
/// attempt that began before it, and that one must not fall behind the checkpoint unseen.
pub const SETTLING_SECS: i64 = 120;

/// One attempt at delivering an event, as GitHub's log lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: HookDeliveryId,
    pub guid: DeliveryGuid,
    /// Unix seconds.
    pub delivered_at: i64,
    /// A redelivery of an earlier attempt, rather than the event's first.
    pub redelivery: bool,
    /// The App's answer; 0 when there was none (no connection, a timeout).
    pub status_code: u16,
    pub event: String,
    pub action: Option<String>,
}

impl Attempt {
    fn answered(&self) -> bool {
        (200..300).contains(&self.status_code)
    }
}

/// Where a walk down the log, newest first, stops: at the last walk's checkpoint, or where
/// GitHub's log ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimit {
    pub checkpoint: Option<HookDeliveryId>,
    /// Unix seconds: attempts before this are gone from GitHub's log.
    pub oldest: i64,
}

impl WalkLimit {
    pub fn new(checkpoint: Option<HookDeliveryId>, now: i64) -> Self {
        Self {
            checkpoint,
            oldest: now - LOG_KEPT_SECS,
        }
    }

    /// Whether `attempt` lies beyond the limit: it, and every attempt listed after it, was
    /// settled by an earlier walk or is too old to redeliver.
    pub fn reached(&self, attempt: &Attempt) -> bool {
        self.checkpoint
            .is_some_and(|checkpoint| attempt.id <= checkpoint)
            || attempt.delivered_at < self.oldest
    }
}

/// How long to wait before asking again for a delivery whose redelivery failed too: `first`
/// after the first redelivery, doubling with each one after it, at most `longest`. Seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: i64,
    pub longest: i64,
}

impl Backoff {
    fn after(&self, redeliveries: u32) -> i64 {
        let doublings = redeliveries.saturating_sub(1).min(20);
        self.first
            .max(1)
            .saturating_mul(1 << doublings)
            .min(self.longest.max(self.first))
    }
}

/// An event GitHub could not deliver that the App has not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub guid: DeliveryGuid,
    pub event: String,
    pub action: Option<String>,
    /// The event's first attempt, and when it was made (unix seconds).
    pub first: HookDeliveryId,
    pub failed_at: i64,
    /// The latest attempt, the one a redelivery repeats.
    pub latest: HookDeliveryId,
    /// Redeliveries GitHub has attempted already.
    pub redeliveries: u32,
}

/// What one walk found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// To ask GitHub for again, oldest first.
    pub redeliver: Vec<Pending>,
    /// Redelivered already and failed again, too recently to ask once more; oldest first.
    pub waiting: Vec<Pending>,
    /// The newest attempt before which every event is delivered or recorded: where the next
    /// walk may stop. `None` when this walk moves nothing.
    pub settled_through: Option<HookDeliveryId>,
}

impl Selection {
    /// Where the next walk stops: this walk's [`Selection::settled_through`], else the last
    /// checkpoint. Every pending event's first attempt stays after it, so the next walk sees
    /// the event again with its redeliveries.
    pub fn checkpoint(&self, previous: Option<HookDeliveryId>) -> Option<HookDeliveryId> {
        self.settled_through.max(previous)
    }

    /// The age in seconds of the oldest event still missing once this walk asked for the
    /// events in `asked` again: one it could not ask for (GitHub refused, or the walk ran out
    /// of time) or that waits for its next redelivery. 0 when nothing is missing.
    pub fn oldest_gap(&self, now: i64, asked: &HashSet<DeliveryGuid>) -> i64 {
        self.redeliver
            .iter()
            .filter(|pending| !asked.contains(&pending.guid))
            .chain(&self.waiting)
            .map(|pending| now - pending.failed_at)
            .max()
            .unwrap_or(0)
            .max(0)
    }
}

/// One event's attempts within the walk.
struct Event<'a> {
    first: Option<&'a Attempt>,
    latest: &'a Attempt,
    answered: bool,
    redeliveries: u32,
}

/// The attempts of each event, by guid.
fn events(attempts: &[Attempt]) -> BTreeMap<&DeliveryGuid, Event<'_>> {
    let mut events: BTreeMap<&DeliveryGuid, Event<'_>> = BTreeMap::new();
    for attempt in attempts {
        let event = events.entry(&attempt.guid).or_insert(Event {
            first: None,
            latest: attempt,
            answered: false,
            redeliveries: 0,
        });
        if attempt.id > event.latest.id {
            event.latest = attempt;
        }
        event.answered |= attempt.answered();
        if attempt.redelivery {
            event.redeliveries += 1;
        } else if event.first.is_none_or(|first| attempt.id < first.id) {
            event.first = Some(attempt);
        }
    }
    events
}

/// Whether the walk has to look further at an event: its first attempt is within the walk (an
/// event first attempted before the checkpoint was settled then, and one older than GitHub's
/// log cannot be redelivered), no attempt was answered 2xx, and the App handles it.
fn unanswered_first<'a>(
    event: &Event<'a>,
    handled: &impl Fn(&str, Option<&str>) -> bool,
) -> Option<&'a Attempt> {
    let first = event.first?;
    (!event.answered && handled(&first.event, first.action.as_deref())).then_some(first)
}

/// The guids of the events in `attempts` that no attempt delivered: the ones to look for in
/// what the App recorded before [`select`] decides.
pub fn unanswered(
    attempts: &[Attempt],
    handled: impl Fn(&str, Option<&str>) -> bool,
) -> Vec<DeliveryGuid> {
    events(attempts)
        .into_iter()
        .filter(|(_, event)| unanswered_first(event, &handled).is_some())
        .map(|(guid, _)| guid.clone())
        .collect()
}

/// Decides a walk over `attempts` (the log from its newest entry down to the walk's limit):
/// every event of a kind the App `handled` whose first attempt is in the walk, that no
/// attempt delivered and the App has not `recorded`, is pending. A pending event is asked for
/// again unless an earlier redelivery of it failed less than `backoff` ago.
pub fn select(
    attempts: &[Attempt],
    recorded: &HashSet<DeliveryGuid>,
    handled: impl Fn(&str, Option<&str>) -> bool,
    now: i64,
    backoff: Backoff,
) -> Selection {
    let mut selection = Selection::default();
    for (guid, event) in events(attempts) {
        let Some(first) = unanswered_first(&event, &handled) else {
            continue;
        };
        if recorded.contains(guid) {
            continue;
        }
        let pending = Pending {
            guid: guid.clone(),
            event: first.event.clone(),
            action: first.action.clone(),
            first: first.id,
            failed_at: first.delivered_at,
            latest: event.latest.id,
            redeliveries: event.redeliveries,
        };
        let due = event.redeliveries == 0
            || now - event.latest.delivered_at >= backoff.after(event.redeliveries);
        if due {
            selection.redeliver.push(pending);
        } else {
            selection.waiting.push(pending);
        }
    }
    selection.redeliver.sort_by_key(|pending| pending.first);
    selection.waiting.sort_by_key(|pending| pending.first);
    let settled = attempts
        .iter()
        .filter(|attempt| attempt.delivered_at <= now - SETTLING_SECS)
        .map(|attempt| attempt.id)
        .max();
    let before_pending = selection
        .redeliver
        .iter()
        .chain(&selection.waiting)
        .map(|pending| HookDeliveryId(pending.first.0.saturating_sub(1)))
        .min();
    selection.settled_through = match (settled, before_pending) {
        (Some(settled), Some(before)) => Some(settled.min(before)),
        (settled, None) => settled,
        (None, Some(_)) => None,
    };
    selection
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const BACKOFF: Backoff = Backoff {
        first: 300,
        longest: 3600,
    };

    fn attempt(id: u64, guid: &str, ago: i64, status_code: u16) -> Attempt {
        Attempt {
            id: HookDeliveryId(id),
            guid: DeliveryGuid(guid.to_owned()),
            delivered_at: NOW - ago,
            redelivery: false,
            status_code,
            event: "pull_request".to_owned(),
            action: Some("opened".to_owned()),
        }
    }

    fn redelivery(id: u64, guid: &str, ago: i64, status_code: u16) -> Attempt {
        Attempt {
            redelivery: true,
            ..attempt(id, guid, ago, status_code)
        }
    }

    fn handles_pull_requests(event: &str, _action: Option<&str>) -> bool {
        event == "pull_request"
    }

    fn decide(attempts: &[Attempt], recorded: &[&str]) -> Selection {
        let recorded = recorded
            .iter()
            .map(|guid| DeliveryGuid((*guid).to_owned()))
            .collect();
        select(attempts, &recorded, handles_pull_requests, NOW, BACKOFF)
    }

    fn guids(pending: &[Pending]) -> Vec<&str> {
        pending.iter().map(|p| p.guid.0.as_str()).collect()
    }

    #[test]
    fn failed_deliveries_of_handled_events_are_asked_for_again_oldest_first() {
        let mut star = attempt(5, "star", 500, 0);
        star.event = "star".to_owned();
        let log = [
            attempt(6, "ok", 400, 202),
            star,
            attempt(4, "refused", 600, 0),
            attempt(3, "busy", 700, 503),
            attempt(2, "bad-gateway", 800, 502),
        ];
        let selection = decide(&log, &[]);
        assert_eq!(
            guids(&selection.redeliver),
            ["bad-gateway", "busy", "refused"],
            "oldest first; an answered one and an event the App ignores are left alone"
        );
        let first = &selection.redeliver[0];
        assert_eq!(
            (
                first.first,
                first.latest,
                first.failed_at,
                first.redeliveries
            ),
            (HookDeliveryId(2), HookDeliveryId(2), NOW - 800, 0)
        );
        assert_eq!(
            selection.settled_through,
            Some(HookDeliveryId(1)),
            "the next walk sees the pending ones again"
        );
        assert_eq!(
            unanswered(&log, handles_pull_requests),
            [
                DeliveryGuid("bad-gateway".into()),
                DeliveryGuid("busy".into()),
                DeliveryGuid("refused".into())
            ]
        );
    }

    #[test]
    fn an_event_the_app_recorded_is_not_asked_for_even_when_its_answer_was_lost() {
        let log = [attempt(3, "late", 600, 0), attempt(2, "lost", 700, 504)];
        let selection = decide(&log, &["late", "lost"]);
        assert!(selection.redeliver.is_empty() && selection.waiting.is_empty());
        assert_eq!(selection.settled_through, Some(HookDeliveryId(3)));
    }

    #[test]
    fn an_event_any_attempt_delivered_is_done() {
        let log = [
            redelivery(9, "a", 200, 202),
            redelivery(8, "a", 400, 503),
            attempt(7, "a", 600, 0),
            // Delivered first; redelivered later by hand, and that attempt failed.
            redelivery(6, "b", 300, 0),
            attempt(5, "b", 900, 200),
        ];
        let selection = decide(&log, &[]);
        assert!(selection.redeliver.is_empty(), "{selection:?}");
        assert!(selection.waiting.is_empty());
        assert_eq!(selection.settled_through, Some(HookDeliveryId(9)));
    }

    #[test]
    fn a_redelivery_whose_first_attempt_lies_before_the_walk_is_left_alone() {
        // Its event was settled when the checkpoint passed its first attempt, or is older
        // than GitHub's log.
        let selection = decide(&[redelivery(12, "old", 300, 0)], &[]);
        assert!(selection.redeliver.is_empty() && selection.waiting.is_empty());
    }

    #[test]
    fn a_failed_redelivery_is_asked_for_again_after_a_doubling_wait() {
        let log = [
            redelivery(4, "twice", 100, 503),
            redelivery(3, "twice", 700, 503),
            attempt(2, "twice", 900, 0),
            redelivery(11, "once", 299, 0),
            attempt(10, "once", 2000, 0),
            redelivery(21, "long-ago", 400, 0),
            attempt(20, "long-ago", 3000, 0),
        ];
        let selection = decide(&log, &[]);
        assert_eq!(guids(&selection.redeliver), ["long-ago"]);
        assert_eq!(guids(&selection.waiting), ["twice", "once"]);
        assert_eq!(selection.waiting[0].redeliveries, 2);
        assert_eq!(selection.waiting[0].latest, HookDeliveryId(4));
        assert_eq!(
            selection.settled_through,
            Some(HookDeliveryId(1)),
            "waiting events hold the checkpoint back too"
        );
        assert_eq!(BACKOFF.after(1), 300);
        assert_eq!(BACKOFF.after(2), 600);
        assert_eq!(BACKOFF.after(5), 3600);
        assert_eq!(BACKOFF.after(40), 3600);
    }

    #[test]
    fn the_checkpoint_never_passes_an_attempt_still_settling() {
        let log = [
            attempt(30, "new", 10, 202),
            attempt(20, "settled", SETTLING_SECS, 202),
        ];
        assert_eq!(decide(&log, &[]).settled_through, Some(HookDeliveryId(20)));
        let selection = decide(&[attempt(30, "new", 10, 202)], &[]);
        assert_eq!(selection.settled_through, None);
        assert_eq!(
            selection.checkpoint(Some(HookDeliveryId(7))),
            Some(HookDeliveryId(7)),
            "the last checkpoint holds"
        );
        let pending_after_settled = [attempt(30, "new", 10, 0), attempt(20, "old", 900, 200)];
        assert_eq!(
            decide(&pending_after_settled, &[]).settled_through,
            Some(HookDeliveryId(20))
        );
    }

    #[test]
    fn a_walk_stops_at_the_checkpoint_or_where_githubs_log_ends() {
        let limit = WalkLimit::new(Some(HookDeliveryId(50)), NOW);
        assert!(!limit.reached(&attempt(51, "a", 60, 0)));
        assert!(limit.reached(&attempt(50, "a", 60, 0)));
        assert!(limit.reached(&attempt(70, "a", LOG_KEPT_SECS + 1, 0)));
        let first_walk = WalkLimit::new(None, NOW);
        assert!(!first_walk.reached(&attempt(1, "a", LOG_KEPT_SECS, 0)));
        assert!(first_walk.reached(&attempt(1, "a", LOG_KEPT_SECS + 1, 0)));
    }

    #[test]
    fn the_oldest_gap_is_the_oldest_event_still_missing_after_the_walk() {
        let log = [
            redelivery(4, "waits", 100, 503),
            attempt(3, "waits", 400, 0),
            attempt(2, "refused", 900, 0),
            attempt(1, "asked", 1200, 0),
        ];
        let selection = decide(&log, &[]);
        let asked = |guids: &[&str]| -> HashSet<DeliveryGuid> {
            guids
                .iter()
                .map(|guid| DeliveryGuid((*guid).to_owned()))
                .collect()
        };
        assert_eq!(selection.oldest_gap(NOW, &asked(&["asked"])), 900);
        assert_eq!(
            selection.oldest_gap(NOW, &asked(&["asked", "refused"])),
            400
        );
        assert_eq!(selection.oldest_gap(NOW, &asked(&[])), 1200);
        assert_eq!(Selection::default().oldest_gap(NOW, &asked(&[])), 0);
        assert_eq!(selection.checkpoint(None), Some(HookDeliveryId(0)));
    }
}
