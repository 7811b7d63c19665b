//! The lanes' load while a plan is being made, and the choice of a lane for a new task.

use super::track_overlap::first_overlap;
use crate::config::{Agent, Config, Track};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Hours a task without an estimate counts for: something, so that a lane of unestimated
/// tasks does not look idle.
pub const UNESTIMATED_HOURS: f64 = 1.0;

/// A task holding a slot on a lane.
#[derive(Debug, Clone)]
pub(crate) struct Slot<'c> {
    pub(crate) hours: f64,
    pub(crate) tracks: Vec<&'c Track>,
}

#[derive(Debug)]
pub(crate) struct Lanes<'c> {
    config: &'c Config,
    slots: Vec<Vec<Slot<'c>>>,
}

impl<'c> Lanes<'c> {
    pub(crate) fn new(config: &'c Config) -> Self {
        Lanes {
            config,
            slots: vec![Vec::new(); config.agents.len()],
        }
    }

    /// The position of the lane named `name` in the config.
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.config
            .agents
            .iter()
            .position(|agent| agent.name.eq_ignore_ascii_case(name))
    }

    pub(crate) fn agent(&self, lane: usize) -> Option<&'c Agent> {
        self.config.agents.get(lane)
    }

    /// Puts a task on a lane, whether or not the lane has room: a person's `agent:` label is
    /// obeyed even on a full lane.
    pub(crate) fn take(&mut self, lane: usize, slot: Slot<'c>) {
        if let Some(slots) = self.slots.get_mut(lane) {
            slots.push(slot);
        }
    }

    pub(crate) fn is_full(&self, lane: usize) -> bool {
        self.slots
            .get(lane)
            .is_none_or(|slots| slots.len() >= self.config.capacity as usize)
    }

    /// The first of `tracks` bound to a configured lane.
    pub(crate) fn bound_track<'t>(&self, tracks: &[&'t Track]) -> Option<&'t Track> {
        tracks.iter().copied().find(|track| {
            track
                .agent
                .as_deref()
                .is_some_and(|name| self.index(name).is_some())
        })
    }

    /// The lane `tracks` bind a task to, if one does.
    pub(crate) fn bound_lane(&self, tracks: &[&Track]) -> Option<usize> {
        self.bound_track(tracks)
            .and_then(|track| track.agent.as_deref())
            .and_then(|name| self.index(name))
    }

    /// The lanes `tracks` allow: the lane a track is bound to (the first such track's), else
    /// every lane.
    pub(crate) fn eligible(&self, tracks: &[&Track]) -> Vec<usize> {
        match self.bound_lane(tracks) {
            Some(lane) => vec![lane],
            None => (0..self.slots.len()).collect(),
        }
    }

    /// The `eligible` lanes with room for a new task, best first: first the lanes none of
    /// whose tasks' tracks shares paths with `tracks`, then the least remaining estimated
    /// work, then lanes not `reserved` (those issues waiting their turn can only go to), then
    /// the order of the config. Empty when every eligible lane is full.
    pub(crate) fn ranked(
        &self,
        eligible: &[usize],
        tracks: &[&Track],
        reserved: &BTreeSet<usize>,
    ) -> Vec<usize> {
        // Each lane's key is worked out once: comparing path globs compiles them.
        let mut keyed: Vec<(bool, f64, bool, usize)> = eligible
            .iter()
            .copied()
            .filter(|&lane| !self.is_full(lane))
            .map(|lane| {
                (
                    self.shares_paths(lane, tracks),
                    self.remaining_hours(lane),
                    reserved.contains(&lane),
                    lane,
                )
            })
            .collect();
        keyed.sort_by(
            |(shares_a, hours_a, reserved_a, a), (shares_b, hours_b, reserved_b, b)| {
                shares_a
                    .cmp(shares_b)
                    .then_with(|| hours_a.partial_cmp(hours_b).unwrap_or(Ordering::Equal))
                    .then(reserved_a.cmp(reserved_b))
                    .then(a.cmp(b))
            },
        );
        keyed.into_iter().map(|(.., lane)| lane).collect()
    }

    fn remaining_hours(&self, lane: usize) -> f64 {
        self.slots
            .get(lane)
            .map_or(0.0, |slots| slots.iter().map(|slot| slot.hours).sum())
    }

    fn shares_paths(&self, lane: usize, tracks: &[&Track]) -> bool {
        self.slots.get(lane).is_some_and(|slots| {
            slots.iter().any(|slot| {
                slot.tracks.iter().any(|theirs| {
                    tracks
                        .iter()
                        .any(|ours| first_overlap(ours, theirs).is_some())
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::track;

    fn slot(hours: f64, tracks: Vec<&Track>) -> Slot<'_> {
        Slot { hours, tracks }
    }

    /// The best lane with room, as the planner takes it when no footprint says otherwise.
    fn choose(
        lanes: &Lanes<'_>,
        eligible: &[usize],
        tracks: &[&Track],
        reserved: &BTreeSet<usize>,
    ) -> Option<usize> {
        lanes.ranked(eligible, tracks, reserved).first().copied()
    }

    fn config(capacity: u32) -> Config {
        Config {
            capacity,
            ..Config::default()
        }
    }

    #[test]
    fn least_remaining_work_wins_then_config_order() {
        let config = config(2);
        let mut lanes = Lanes::new(&config);
        let none = BTreeSet::new();
        let all = lanes.eligible(&[]);
        assert_eq!(all, [0, 1, 2]);
        assert_eq!(choose(&lanes, &all, &[], &none), Some(0));
        lanes.take(0, slot(2.0, vec![]));
        lanes.take(1, slot(1.0, vec![]));
        assert_eq!(choose(&lanes, &all, &[], &none), Some(2));
        lanes.take(2, slot(3.0, vec![]));
        assert_eq!(choose(&lanes, &all, &[], &none), Some(1));
    }

    #[test]
    fn a_lane_without_shared_paths_is_preferred_over_a_lighter_one() {
        let config = config(2);
        let api = track("api", &["src/api/**"], None);
        let core = track("core", &["src/**"], None);
        let web = track("web", &["web/**"], None);
        let none = BTreeSet::new();
        let mut lanes = Lanes::new(&config);
        lanes.take(0, slot(1.0, vec![&core]));
        lanes.take(1, slot(5.0, vec![&web]));
        lanes.take(2, slot(5.0, vec![&web]));
        assert_eq!(choose(&lanes, &[0, 1, 2], &[&api], &none), Some(1));
        assert_eq!(choose(&lanes, &[0, 1, 2], &[&web], &none), Some(0));
    }

    #[test]
    fn a_lane_waiting_issues_are_bound_to_is_left_for_them_on_a_tie() {
        let config = config(1);
        let lanes = Lanes::new(&config);
        let reserved = BTreeSet::from([0]);
        assert_eq!(choose(&lanes, &[0, 1, 2], &[], &reserved), Some(1));
        assert_eq!(choose(&lanes, &[0], &[], &reserved), Some(0));
    }

    #[test]
    fn full_lanes_are_never_chosen() {
        let config = config(1);
        let none = BTreeSet::new();
        let mut lanes = Lanes::new(&config);
        for lane in 0..3 {
            assert!(!lanes.is_full(lane));
            lanes.take(lane, slot(1.0, vec![]));
        }
        assert_eq!(choose(&lanes, &[0, 1, 2], &[], &none), None);
        assert!(lanes.is_full(7));
    }

    #[test]
    fn a_bound_track_allows_only_its_lane() {
        let config = config(1);
        let lanes = Lanes::new(&config);
        let bound = track("api", &["src/api/**"], Some("Agent-2"));
        let unbound = track("docs", &["docs/**"], None);
        assert_eq!(lanes.eligible(&[&unbound, &bound]), [1]);
        assert_eq!(lanes.eligible(&[&unbound]), [0, 1, 2]);
        assert_eq!(lanes.agent(1).map(|a| a.name.as_str()), Some("agent-2"));
    }
}
