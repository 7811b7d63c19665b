//! How long the open tasks take one after another, and with the lanes working in parallel.
//!
//! The parallel time comes from list scheduling: the tasks are placed one at a time, always
//! the ready task (every dependency placed) with the longest chain of work still behind it
//! (its own estimate plus the longest chain of tasks that depend on it), each on its own lane
//! if it has one, else on the lane that can start it earliest (on a tie, the lane fewer
//! unplaced tasks must run on), starting once that lane is free and its dependencies have
//! ended. The time is when the last task ends. It is never
//! less than the longest dependency chain, nor than the work divided by the lanes, and it is
//! what a team following the plan would see, not an optimum (which is NP-hard to find).

use super::lanes::UNESTIMATED_HOURS;
use crate::ids::IssueNumber;
use std::collections::BTreeMap;

/// One open task as the schedule sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Job {
    pub(crate) issue: IssueNumber,
    pub(crate) estimate: Option<f64>,
    /// The lane it must run on, by position in the config.
    pub(crate) lane: Option<usize>,
    /// Other jobs it waits for; anything else is taken as done.
    pub(crate) depends_on: Vec<IssueNumber>,
    /// Can never start (it is on a dependency cycle), nor can anything waiting for it.
    pub(crate) stuck: bool,
}

/// The plan's time, its tasks named by issue; local mode names them by their ids
/// ([`PlanTime::named`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanTime<T = IssueNumber> {
    /// The estimates of the scheduled tasks, one after another.
    pub work_hours: f64,
    /// With the lanes in parallel, given the dependencies.
    pub parallel_hours: f64,
    pub lanes: usize,
    /// The longest chain of dependent tasks, first to last, and its hours.
    pub longest_chain: Vec<T>,
    pub longest_chain_hours: f64,
    /// Tasks without an estimate, counted as [`UNESTIMATED_HOURS`].
    pub unestimated: Vec<T>,
    /// Tasks that can never start: on a dependency cycle, or waiting for one.
    pub left_out: Vec<T>,
}

impl<T> PlanTime<T> {
    /// The same time, each task named by `name`.
    pub fn named<U>(&self, name: impl Fn(&T) -> U) -> PlanTime<U> {
        let names = |tasks: &[T]| tasks.iter().map(&name).collect();
        PlanTime {
            work_hours: self.work_hours,
            parallel_hours: self.parallel_hours,
            lanes: self.lanes,
            longest_chain: names(&self.longest_chain),
            longest_chain_hours: self.longest_chain_hours,
            unestimated: names(&self.unestimated),
            left_out: names(&self.left_out),
        }
    }
}

pub(crate) fn plan_time(jobs: &[Job], lanes: usize) -> PlanTime {
    let lanes = lanes.max(1);
    let index: BTreeMap<IssueNumber, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| (job.issue, i))
        .collect();
    let depends_on: Vec<Vec<usize>> = jobs
        .iter()
        .map(|job| {
            let mut deps: Vec<usize> = job
                .depends_on
                .iter()
                .filter(|&&issue| issue != job.issue)
                .filter_map(|issue| index.get(issue).copied())
                .collect();
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect();
    let hours: Vec<f64> = jobs
        .iter()
        .map(|job| job.estimate.unwrap_or(UNESTIMATED_HOURS))
        .collect();

    let stuck: Vec<bool> = jobs.iter().map(|job| job.stuck).collect();
    let dependents = dependents(&depends_on);
    let order = topological_order(&depends_on, &dependents, &stuck);
    let chain_after = chain_lengths(&order, &dependents, &hours);
    let finish = list_schedule(jobs, &order, &depends_on, &hours, &chain_after, lanes);

    let mut scheduled = vec![false; jobs.len()];
    for &job in &order {
        scheduled[job] = true;
    }
    let issues_where = |keep: &dyn Fn(usize) -> bool| -> Vec<IssueNumber> {
        let mut issues: Vec<IssueNumber> = (0..jobs.len())
            .filter(|&i| keep(i))
            .map(|i| jobs[i].issue)
            .collect();
        issues.sort_unstable();
        issues
    };
    let longest_chain = longest_chain(&order, &dependents, &chain_after);
    PlanTime {
        work_hours: order.iter().map(|&job| hours[job]).sum(),
        parallel_hours: finish.iter().copied().fold(0.0, f64::max),
        lanes,
        longest_chain_hours: longest_chain.iter().map(|&job| hours[job]).sum(),
        longest_chain: longest_chain.iter().map(|&job| jobs[job].issue).collect(),
        unestimated: issues_where(&|i| scheduled[i] && jobs[i].estimate.is_none()),
        left_out: issues_where(&|i| !scheduled[i]),
    }
}

/// The jobs that can ever start, each after its dependencies (Kahn's algorithm). Stuck jobs,
/// jobs on a cycle and jobs behind either never become ready and are left out.
fn topological_order(
    depends_on: &[Vec<usize>],
    dependents: &[Vec<usize>],
    stuck: &[bool],
) -> Vec<usize> {
    // A stuck job waits for one more thing than its dependencies, which never comes.
    let mut waiting: Vec<usize> = depends_on
        .iter()
        .zip(stuck)
        .map(|(deps, &stuck)| deps.len() + usize::from(stuck))
        .collect();
    let mut ready: Vec<usize> = (0..depends_on.len()).filter(|&j| waiting[j] == 0).collect();
    let mut order = Vec::with_capacity(depends_on.len());
    while let Some(job) = ready.pop() {
        order.push(job);
        for &next in &dependents[job] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(next);
            }
        }
    }
    order
}

/// For each job, the jobs that depend on it: the inverse of `depends_on`.
fn dependents(depends_on: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut dependents = vec![Vec::new(); depends_on.len()];
    for (job, deps) in depends_on.iter().enumerate() {
        for &dep in deps {
            dependents[dep].push(job);
        }
    }
    dependents
}

/// For each job in `order`, its hours plus the longest chain of jobs depending on it.
fn chain_lengths(order: &[usize], dependents: &[Vec<usize>], hours: &[f64]) -> Vec<f64> {
    let mut chain = vec![0.0; dependents.len()];
    for &job in order.iter().rev() {
        let after = dependents[job]
            .iter()
            .map(|&next| chain[next])
            .fold(0.0, f64::max);
        chain[job] = hours[job] + after;
    }
    chain
}

/// When each job ends in the list schedule (0 for jobs not in `order`).
fn list_schedule(
    jobs: &[Job],
    order: &[usize],
    depends_on: &[Vec<usize>],
    hours: &[f64],
    chain_after: &[f64],
    lanes: usize,
) -> Vec<f64> {
    let mut lane_free = vec![0.0_f64; lanes];
    // Jobs not placed yet that must run on each lane: a free job avoids such a lane on a tie.
    let mut fixed_pending = vec![0_usize; lanes];
    let fixed_lane = |job: usize| jobs[job].lane.filter(|&lane| lane < lanes);
    for &job in order {
        if let Some(lane) = fixed_lane(job) {
            fixed_pending[lane] += 1;
        }
    }
    let mut finish = vec![0.0_f64; jobs.len()];
    let mut placed = vec![false; jobs.len()];
    let mut pending: Vec<usize> = order.to_vec();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .enumerate()
            .filter(|&(_, &job)| depends_on[job].iter().all(|&dep| placed[dep]))
            .max_by(|&(_, &a), &(_, &b)| {
                chain_after[a]
                    .total_cmp(&chain_after[b])
                    .then(jobs[b].issue.cmp(&jobs[a].issue))
            })
            .map(|(at, &job)| (at, job));
        // `order` is topological, so some pending job is always ready.
        let Some((at, job)) = ready else { break };
        pending.remove(at);
        let deps_end = depends_on[job]
            .iter()
            .map(|&dep| finish[dep])
            .fold(0.0, f64::max);
        let start_on = |lane: usize| lane_free[lane].max(deps_end);
        let lane = match fixed_lane(job) {
            Some(lane) => {
                fixed_pending[lane] = fixed_pending[lane].saturating_sub(1);
                lane
            }
            None => (0..lanes)
                .min_by(|&a, &b| {
                    start_on(a)
                        .total_cmp(&start_on(b))
                        .then(fixed_pending[a].cmp(&fixed_pending[b]))
                        .then(a.cmp(&b))
                })
                .unwrap_or(0),
        };
        finish[job] = start_on(lane) + hours[job];
        lane_free[lane] = finish[job];
        placed[job] = true;
    }
    finish
}

/// The chain behind the job with the longest one: from it, always the dependent with the
/// longest chain (ties: the smaller issue number).
fn longest_chain(order: &[usize], dependents: &[Vec<usize>], chain_after: &[f64]) -> Vec<usize> {
    let best = |candidates: &mut dyn Iterator<Item = usize>| {
        candidates.max_by(|&a, &b| chain_after[a].total_cmp(&chain_after[b]).then(b.cmp(&a)))
    };
    let mut chain = Vec::new();
    let mut next = best(&mut order.iter().copied());
    while let Some(job) = next {
        chain.push(job);
        next = best(&mut dependents[job].iter().copied());
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(issue: u64, estimate: Option<f64>, lane: Option<usize>, deps: &[u64]) -> Job {
        Job {
            issue: IssueNumber(issue),
            estimate,
            lane,
            depends_on: deps.iter().copied().map(IssueNumber).collect(),
            stuck: false,
        }
    }

    fn numbers(issues: &[IssueNumber]) -> Vec<u64> {
        issues.iter().map(|issue| issue.0).collect()
    }

    #[test]
    fn independent_tasks_spread_over_the_lanes() {
        let jobs: Vec<Job> = (1..=6).map(|n| job(n, Some(2.0), None, &[])).collect();
        let time = plan_time(&jobs, 3);
        assert_eq!(time.work_hours, 12.0);
        assert_eq!(time.parallel_hours, 4.0);
        assert_eq!(time.longest_chain_hours, 2.0);
    }

    #[test]
    fn a_dependency_chain_bounds_the_parallel_time() {
        let jobs = vec![
            job(1, Some(2.0), None, &[]),
            job(2, Some(3.0), None, &[1]),
            job(3, Some(1.0), None, &[2]),
            job(4, Some(1.0), None, &[]),
        ];
        let time = plan_time(&jobs, 3);
        assert_eq!(time.work_hours, 7.0);
        assert_eq!(time.parallel_hours, 6.0);
        assert_eq!(numbers(&time.longest_chain), [1, 2, 3]);
        assert_eq!(time.longest_chain_hours, 6.0);
    }

    #[test]
    fn tasks_on_one_lane_run_one_after_another() {
        let jobs = vec![
            job(1, Some(2.0), Some(0), &[]),
            job(2, Some(2.0), Some(0), &[]),
        ];
        assert_eq!(plan_time(&jobs, 3).parallel_hours, 4.0);
    }

    #[test]
    fn the_longest_chain_goes_first() {
        // Taking #1 and #2 first, as they arrived, would start the 1 h + 3 h chain only at
        // 2 h and end at 6 h; starting it at once ends everything at 4 h.
        let jobs = vec![
            job(1, Some(2.0), None, &[]),
            job(2, Some(2.0), None, &[]),
            job(3, Some(1.0), None, &[]),
            job(4, Some(3.0), None, &[3]),
        ];
        let time = plan_time(&jobs, 2);
        assert_eq!(time.parallel_hours, 4.0);
        assert_eq!(numbers(&time.longest_chain), [3, 4]);
    }

    #[test]
    fn free_tasks_leave_room_on_lanes_others_must_use() {
        // #3 must run on lane 0; #2 could start on any lane at 3 h, and taking lane 0 would
        // push #3 to the end.
        let jobs = vec![
            job(1, Some(3.0), Some(0), &[]),
            job(2, Some(4.0), None, &[1]),
            job(3, Some(2.0), Some(0), &[]),
        ];
        assert_eq!(plan_time(&jobs, 2).parallel_hours, 7.0);
    }

    #[test]
    fn unestimated_and_stuck_tasks_are_reported() {
        let jobs = vec![
            job(1, None, None, &[]),
            job(2, Some(1.0), None, &[3]),
            job(3, Some(1.0), None, &[2]),
            job(4, Some(1.0), None, &[3, 99]),
            job(5, Some(1.0), Some(9), &[5]),
            Job {
                stuck: true,
                ..job(6, Some(1.0), None, &[])
            },
            job(7, Some(1.0), None, &[6]),
        ];
        let time = plan_time(&jobs, 0);
        assert_eq!(numbers(&time.unestimated), [1]);
        assert_eq!(numbers(&time.left_out), [2, 3, 4, 6, 7]);
        assert_eq!(time.work_hours, 1.0 + UNESTIMATED_HOURS);
        assert_eq!(time.parallel_hours, 1.0 + UNESTIMATED_HOURS);
        assert_eq!(time.lanes, 1);
    }

    #[test]
    fn no_tasks_take_no_time() {
        let time = plan_time(&[], 3);
        assert_eq!((time.work_hours, time.parallel_hours), (0.0, 0.0));
        assert!(time.longest_chain.is_empty());
    }
}
